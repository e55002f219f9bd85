"""A build target written outside a Dockerfile, and the path helpers its readers share."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from msb_lsp.model.span import Span


@dataclass(frozen=True, slots=True)
class TargetRef:
    """One place where a build target is written: `--target x`, compose `build.target`,
    a bake `target` attribute, a build-push-action `target:` input.

    `dockerfile` is the file whose stage the value selects, resolved the way the tool does;
    it is None when it cannot be known from the text (`dockerfile_inline`, a remote context,
    a variable in a path, a document that is not a file), with the reason in `unresolved`.
    """

    value: str  # the target as the builder reads it (quotes removed)
    span: Span  # the value as written, quotes excluded; where it goes when it is empty
    dockerfile: Path | None
    context: Path | None = None
    context_span: Span | None = None  # the context value as written, if written
    file_span: Span | None = None  # the Dockerfile value as written, if written
    origin: str = ""  # what sets the target: `service "web"`, `bake target "app"`, `docker build`
    dynamic: bool = False  # the value contains variables or expressions: not checkable
    unresolved: str | None = None  # why `dockerfile` is None
    quote: str = ""  # the quote a completion must add around a stage name (bare HCL/JSON slot)

    @property
    def checkable(self) -> bool:
        """Can the value be checked against the Dockerfile's stages?"""
        return bool(self.value) and not self.dynamic and self.dockerfile is not None


def normalize(path: Path) -> Path:
    """An absolute path with `.` and `..` folded, without following symlinks (as the tools do)."""
    return Path(os.path.normpath(os.path.abspath(path)))


def join(base: Path | None, value: str) -> Path | None:
    """`value` (absolute, `~/...` or relative to `base`) as a normalized path."""
    if value.startswith("~"):
        value = os.path.expanduser(value)
    candidate = Path(value)
    if candidate.is_absolute():
        return normalize(candidate)
    if base is None:
        return None
    return normalize(base / candidate)


_REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|git@|github\.com/)")


def is_remote(value: str) -> bool:
    """A URL or git address used as a build context (no local Dockerfile to read)."""
    return _REMOTE.match(value) is not None


def path_of_uri(uri: str) -> Path | None:
    """The file-system path of a `file:` URI (None for other schemes)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if re.match(r"^/[A-Za-z]:", path):  # file:///c:/x on Windows
        path = path[1:]
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    return normalize(Path(path))


def uri_of_path(path: Path) -> str:
    return normalize(path).as_uri()


def repository_root(path: Path) -> Path | None:
    """The folder that holds `.github/` for a workflow file (where actions check out)."""
    parts = path.parts
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] == ".github":
            return normalize(Path(*parts[:i]))
    return None
