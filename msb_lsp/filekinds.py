"""What a document is, decided from its file name (the languageId is only a hint).

Clients send different language ids for the same files (`yaml`, `dockercompose`,
`yaml.docker-compose`...), so the name in the URI decides; see docs/editors.
"""

from __future__ import annotations

import fnmatch
import posixpath
from enum import Enum
from urllib.parse import unquote, urlparse


class FileKind(str, Enum):
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    BAKE_HCL = "bake-hcl"
    BAKE_JSON = "bake-json"
    WORKFLOW = "workflow"  # GitHub Actions
    SHELL = "shell"
    MAKEFILE = "makefile"
    OTHER = "other"


_DOCKERFILE = (
    "Dockerfile",
    "Dockerfile.*",
    "*.Dockerfile",
    "*.dockerfile",
    "Containerfile",
    "Containerfile.*",
    "dockerfile",
)
_COMPOSE = (
    "compose.yaml",
    "compose.yml",
    "compose.*.yaml",
    "compose.*.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "docker-compose.*.yaml",
    "docker-compose.*.yml",
)
_BAKE_HCL = ("docker-bake.hcl", "docker-bake.*.hcl", "docker-bake.override.hcl")
_BAKE_JSON = ("docker-bake.json", "docker-bake.*.json", "docker-bake.override.json")
_SHELL = ("*.sh", "*.bash", "*.zsh", "*.ksh")
_MAKEFILE = ("Makefile", "makefile", "GNUmakefile", "*.mk", "*.mak")
_LANGUAGE_HINTS = {
    "dockerfile": FileKind.DOCKERFILE,
    "containerfile": FileKind.DOCKERFILE,
    "dockercompose": FileKind.COMPOSE,
    "docker-compose": FileKind.COMPOSE,
    "yaml.docker-compose": FileKind.COMPOSE,
    "dockerbake": FileKind.BAKE_HCL,
    "hcl.docker-bake": FileKind.BAKE_HCL,
    "shellscript": FileKind.SHELL,
    "sh": FileKind.SHELL,
    "bash": FileKind.SHELL,
    "makefile": FileKind.MAKEFILE,
    "make": FileKind.MAKEFILE,
}


def path_of_uri(uri: str) -> str:
    """The path part of a URI (works for file:, untitled: and bare paths)."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme else uri


def kind_of(uri_or_path: str, language_id: str | None = None) -> FileKind:
    path = path_of_uri(uri_or_path)
    name = posixpath.basename(path.replace("\\", "/"))

    def match(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatchcase(name, p) for p in patterns)

    if match(_DOCKERFILE) and not name.endswith(".dockerignore"):
        return FileKind.DOCKERFILE
    if match(_COMPOSE):
        return FileKind.COMPOSE
    if match(_BAKE_HCL):
        return FileKind.BAKE_HCL
    if match(_BAKE_JSON):
        return FileKind.BAKE_JSON
    if "/.github/workflows/" in path.replace("\\", "/") and name.endswith((".yml", ".yaml")):
        return FileKind.WORKFLOW
    if match(_SHELL):
        return FileKind.SHELL
    if match(_MAKEFILE):
        return FileKind.MAKEFILE
    hint = _LANGUAGE_HINTS.get((language_id or "").lower())
    return hint if hint is not None else FileKind.OTHER
