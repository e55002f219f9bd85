"""Build targets written outside Dockerfiles: compose, bake (HCL and JSON), GitHub Actions
workflows, shell scripts and Makefiles.

Each reader turns a document into `TargetRef` records (the value, its exact span, the
Dockerfile it selects a stage of, the spans of the context and file values); `resolve` finds
the stage, `check_targets` reports unknown stages and missing Dockerfiles, and
`find_target_references` goes the other way, from a stage to the open documents naming it.
Pure Python: nothing here imports pygls or lsprotocol.
"""

from msb_lsp.targets.checks import TargetProblem, check_targets
from msb_lsp.targets.ref import TargetRef, path_of_uri, uri_of_path
from msb_lsp.targets.resolve import (
    DockerfileFiles,
    LoadedDockerfile,
    Resolution,
    display_path,
    find_target_references,
    refs_at,
    resolve,
)
from msb_lsp.targets.scan import TARGET_KINDS, targets_in, targets_in_document

__all__ = [
    "TARGET_KINDS",
    "DockerfileFiles",
    "LoadedDockerfile",
    "Resolution",
    "TargetProblem",
    "TargetRef",
    "check_targets",
    "display_path",
    "find_target_references",
    "path_of_uri",
    "refs_at",
    "resolve",
    "targets_in",
    "targets_in_document",
    "uri_of_path",
]
