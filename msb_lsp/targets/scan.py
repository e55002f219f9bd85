"""Which reader finds the targets of a document, decided by its kind (from its file name)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from msb_lsp.filekinds import FileKind, kind_of
from msb_lsp.targets.bake import hcl_targets, json_targets
from msb_lsp.targets.commands import makefile_targets, script_targets
from msb_lsp.targets.compose import compose_targets
from msb_lsp.targets.ref import TargetRef, path_of_uri
from msb_lsp.targets.workflow import workflow_targets

_READERS: dict[FileKind, Callable[[str, Path | None], list[TargetRef]]] = {
    FileKind.COMPOSE: compose_targets,
    FileKind.BAKE_HCL: hcl_targets,
    FileKind.BAKE_JSON: json_targets,
    FileKind.WORKFLOW: workflow_targets,
    FileKind.SHELL: script_targets,
    FileKind.MAKEFILE: makefile_targets,
}
TARGET_KINDS = frozenset(_READERS)


def targets_in(kind: FileKind, text: str, path: Path | None) -> list[TargetRef]:
    """Every build target written in a document of this kind, in document order.

    `path` is where the document lives (relative paths in it are resolved from there); None for
    an unsaved document, whose relative paths then stay unresolved."""
    reader = _READERS.get(kind)
    if reader is None:
        return []
    refs = reader(text, path)
    return sorted(refs, key=lambda r: (r.span.start, r.span.end))


def targets_in_document(uri: str, text: str, language_id: str | None = None) -> list[TargetRef]:
    """`targets_in` for a document known by its URI (its kind comes from the file name)."""
    return targets_in(kind_of(uri, language_id), text, path_of_uri(uri))
