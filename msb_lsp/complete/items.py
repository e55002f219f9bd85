"""Completion candidates as the engine describes them; the server turns them into LSP items."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from msb_lsp.model.span import Span
from msb_lsp.rules.base import Edit


class ItemKind(str, Enum):
    KEYWORD = "keyword"
    FLAG = "flag"
    PROPERTY = "property"  # a mount key, a check option
    VALUE = "value"
    STAGE = "stage"
    IMAGE = "image"
    TAG = "tag"
    VARIABLE = "variable"
    DIRECTIVE = "directive"
    CHECK = "check"  # a BuildKit check name
    FOLDER = "folder"


@dataclass(slots=True)
class Candidate:
    label: str
    kind: ItemKind
    insert: str  # plain text that replaces the word being typed
    snippet: str | None = None  # snippet form, used only for clients that support snippets
    detail: str | None = None
    documentation: str | None = None  # Markdown with backticks only (stripped for plain text)
    description: str | None = None  # a short note shown next to the label (e.g. a size)
    sort: str | None = None
    deprecated: bool = False
    edits: tuple[Edit, ...] = ()  # more edits elsewhere (e.g. declaring an ARG)


@dataclass(slots=True)
class Completions:
    """Candidates for one word: `insert` is its part before the cursor, `replace` all of it."""

    insert: Span
    replace: Span
    items: list[Candidate] = field(default_factory=list)
