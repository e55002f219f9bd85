"""From a target occurrence to its Dockerfile and stage, and back from a stage to every
occurrence that names it in the open documents.

The Dockerfile is read from the open document with that path when there is one (its unsaved
text), else from the disk (parsed once per modification time).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from msb_lsp.filekinds import kind_of
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.parser import parse
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import Stage, find_target
from msb_lsp.targets.ref import TargetRef, normalize, path_of_uri, uri_of_path
from msb_lsp.targets.scan import TARGET_KINDS, targets_in


@dataclass(frozen=True, slots=True, eq=False)
class LoadedDockerfile:
    path: Path
    uri: str  # the open document's URI, or the file's own
    df: Dockerfile
    open: bool  # read from an open document (possibly unsaved)


_DISK: OrderedDict[Path, tuple[tuple[int, int], Dockerfile]] = OrderedDict()
_DISK_ENTRIES = 64


def _from_disk(path: Path) -> Dockerfile | None:
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _DISK.get(path)
    if cached is not None and cached[0] == stamp:
        _DISK.move_to_end(path)
        return cached[1]
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    df = parse(text)
    _DISK[path] = (stamp, df)
    while len(_DISK) > _DISK_ENTRIES:
        _DISK.popitem(last=False)
    return df


class DockerfileFiles:
    """Where Dockerfiles are read from: open documents first (by path), then the disk.

    `documents` maps URIs to texts; `parsed(uri)` may return an already parsed model of an
    open document (the server shares its per-version parse), else the text is parsed here."""

    def __init__(
        self,
        documents: Mapping[str, str] | None = None,
        parsed: Callable[[str], Dockerfile | None] | None = None,
    ) -> None:
        self.documents = documents or {}
        self.parsed = parsed
        self.by_path: dict[Path, str] = {}
        for uri in self.documents:
            path = path_of_uri(uri)
            if path is not None:
                self.by_path.setdefault(path, uri)
        self._models: dict[str, Dockerfile] = {}

    def load(self, path: Path) -> LoadedDockerfile | None:
        path = normalize(path)
        uri = self.by_path.get(path)
        if uri is not None:
            df = self._models.get(uri)
            if df is None:
                df = self.parsed(uri) if self.parsed is not None else None
                if df is None:
                    df = parse(self.documents[uri])
                self._models[uri] = df
            return LoadedDockerfile(path, uri, df, open=True)
        df = _from_disk(path)
        if df is None:
            return None
        return LoadedDockerfile(path, uri_of_path(path), df, open=False)


@dataclass(frozen=True, slots=True, eq=False)
class Resolution:
    ref: TargetRef
    file: LoadedDockerfile | None  # None when the Dockerfile is unknown or missing
    stage: Stage | None  # the stage the target selects (names match case-insensitively)

    @property
    def missing(self) -> bool:
        """The Dockerfile is known but cannot be read."""
        return self.ref.dockerfile is not None and self.file is None

    @property
    def stage_names(self) -> list[str]:
        if self.file is None:
            return []
        return [s.name for s in self.file.df.stages if s.name is not None]


def resolve(ref: TargetRef, files: DockerfileFiles) -> Resolution:
    if ref.dockerfile is None:
        return Resolution(ref, None, None)
    loaded = files.load(ref.dockerfile)
    if loaded is None:
        return Resolution(ref, None, None)
    stage = find_target(loaded.df, ref.value) if ref.value and not ref.dynamic else None
    return Resolution(ref, loaded, stage)


def refs_at(refs: Iterable[TargetRef], pos: Pos) -> list[TargetRef]:
    """The references whose value (or the blank where a value goes) contains `pos`."""
    return [r for r in refs if r.span.contains(pos)]


def find_target_references(
    dockerfile_path: Path | str, stage_name: str, documents: Mapping[str, str]
) -> list[tuple[str, Span]]:
    """Every open document's target value naming `stage_name` (case-insensitively, as BuildKit
    matches targets) of the Dockerfile at `dockerfile_path` (a path or a `file:` URI).

    `documents` maps URIs to texts; their kinds come from their file names. The spans are the
    values as written, quotes excluded: replacing them renames the target. Dynamic values
    (`${TARGET}`) are never returned."""
    if isinstance(dockerfile_path, str) and dockerfile_path.startswith("file:"):
        wanted = path_of_uri(dockerfile_path)
        if wanted is None:
            return []
    else:
        wanted = normalize(Path(dockerfile_path))
    name = stage_name.lower()
    found: list[tuple[str, Span]] = []
    for uri, text in documents.items():
        kind = kind_of(uri)
        if kind not in TARGET_KINDS:
            continue
        for ref in targets_in(kind, text, path_of_uri(uri)):
            if ref.dynamic or ref.dockerfile is None or ref.value.lower() != name:
                continue
            if normalize(ref.dockerfile) != wanted:
                continue
            if (uri, ref.span) not in found:
                found.append((uri, ref.span))
    return found


# -- presentation ------------------------------------------------------------------------


def display_path(path: Path, relative_to: Path | None) -> str:
    """`path` relative to a folder (`app/Dockerfile`, `../Dockerfile`), as it is otherwise."""
    if relative_to is not None:
        try:
            return Path(os.path.relpath(path, relative_to)).as_posix()
        except ValueError:  # another drive on Windows
            pass
    return path.as_posix()
