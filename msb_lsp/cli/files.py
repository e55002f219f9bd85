"""Finding Dockerfiles on disk and reading them with clear messages for bad input."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from msb_lsp.filekinds import FileKind, kind_of

MAX_BYTES = 2 * 1024 * 1024  # far above any real Dockerfile; refuse rather than stall
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".hg", ".svn"}


class InputError(Exception):
    """A file that cannot be linted; the message is one line, ready for the user."""


def is_dockerfile_name(name: str) -> bool:
    return kind_of(name) == FileKind.DOCKERFILE and not name.endswith((".md", ".txt"))


def find_dockerfiles(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if is_dockerfile_name(name):
                yield Path(root) / name


def decode(data: bytes, label: str, size: int | None = None) -> str:
    """Dockerfile text from bytes: refuses binary content, invalid UTF-8 and huge files.

    `size` is the whole file's size when only its first `MAX_BYTES + 1` bytes were read."""
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{label}: file too large ({max(size or 0, len(data)) / 1e6:.1f} MB; "
            f"the limit is {MAX_BYTES / 1e6:.0f} MB)"
        )
    if b"\x00" in data[:8192]:
        raise InputError(f"{label}: binary file (it contains NUL bytes), not a Dockerfile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{label}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def read_dockerfile(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or directory") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return decode(data, str(path), size)
