"""What a rule is: a stable code, a kebab-case name, a severity, docs, and a check function.

A rule module declares one rule with the `@rule` decorator on its check function. The
function's docstring is the rule's documentation (Markdown with the sections `## What it
does`, `## Why is this bad?`, `## Example`, `## Use instead` and, when fixable, `## Fix`);
docs/rules/ is generated from it. Checks yield `Violation`s with the tightest span and, where
a safe fix exists, a `Fix` that travels in the diagnostic's `data`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from msb_lsp.model.span import Pos, Span

if TYPE_CHECKING:
    from msb_lsp.rules.context import RuleContext

DOCS_BASE = "https://github.com/msb-lsp/msb-lsp/blob/main/docs/rules"
BUILDKIT_DOCS = "https://docs.docker.com/go/dockerfile/rule"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        """Lower is more severe (matches LSP's DiagnosticSeverity numbering)."""
        return _RANK[self]


_RANK = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3, Severity.HINT: 4}


class Category(str, Enum):
    SYNTAX = "syntax"
    STAGES = "stages"
    FINAL_IMAGE = "final-image"
    BUILDKIT = "buildkit"
    TARGETS = "targets"


@dataclass(frozen=True, slots=True)
class Edit:
    span: Span
    text: str

    def to_data(self) -> dict[str, Any]:
        s, e = self.span.start, self.span.end
        return {"range": [s.line, s.col, e.line, e.col], "text": self.text}

    @staticmethod
    def from_data(data: dict[str, Any]) -> Edit:
        a, b, c, d = data["range"]
        return Edit(Span(Pos(a, b), Pos(c, d)), data["text"])


@dataclass(frozen=True, slots=True)
class Fix:
    """An edit that resolves a finding. Safe fixes are applied by fix-all and `check --fix`."""

    title: str
    edits: tuple[Edit, ...]
    safe: bool = True

    def to_data(self) -> dict[str, Any]:
        return {"title": self.title, "safe": self.safe, "edits": [e.to_data() for e in self.edits]}

    @staticmethod
    def from_data(data: dict[str, Any]) -> Fix:
        return Fix(
            title=str(data["title"]),
            edits=tuple(Edit.from_data(e) for e in data["edits"]),
            safe=bool(data.get("safe", True)),
        )


@dataclass(frozen=True, slots=True)
class Related:
    """The other side of a finding (the first definition of a duplicate, a ref's target)."""

    span: Span
    message: str


@dataclass(slots=True)
class Violation:
    span: Span
    message: str
    fix: Fix | None = None
    fixes: tuple[Fix, ...] = ()  # alternatives, e.g. several "did you mean" candidates
    related: tuple[Related, ...] = ()
    unnecessary: bool = False  # shown faded (LSP DiagnosticTag.Unnecessary)
    deprecated: bool = False  # shown struck through (LSP DiagnosticTag.Deprecated)
    severity: Severity | None = None  # overrides the rule's default for this one finding

    @property
    def all_fixes(self) -> tuple[Fix, ...]:
        return ((self.fix,) if self.fix else ()) + self.fixes


Check = Callable[["RuleContext"], Iterable[Violation]]


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    code: str
    name: str
    severity: Severity
    category: Category
    summary: str
    doc: str
    check: Check
    buildkit: str | None = None  # BuildKit check name, e.g. "StageNameCasing"
    hadolint: tuple[str, ...] = ()  # equivalent hadolint codes
    fixable: bool = False
    experimental: bool = False  # BuildKit experimental: runs only when asked for
    enabled_by_default: bool = True

    @property
    def url(self) -> str:
        return f"{DOCS_BASE}/{self.name}.md"

    @property
    def buildkit_url(self) -> str | None:
        if self.buildkit is None or self.buildkit in _NO_BUILDKIT_PAGE:
            return None
        kebab = re.sub(r"(?<!^)(?=[A-Z][a-z])", "-", self.buildkit).lower()
        return f"{BUILDKIT_DOCS}/{kebab}/"


# BuildKit checks without a documentation page (and without a URL in BuildKit's ruleset).
_NO_BUILDKIT_PAGE = frozenset({"InvalidBaseImagePlatform"})

REGISTRY: dict[str, Rule] = {}
_CODE = re.compile(r"^MSB\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    category: Category,
    summary: str,
    buildkit: str | None = None,
    hadolint: Iterable[str] = (),
    fixable: bool = False,
    experimental: bool = False,
    enabled_by_default: bool = True,
) -> Callable[[Check], Check]:
    """Register a check function as a rule. Codes and names are unique and never reused."""

    def register(check: Check) -> Check:
        if not _CODE.match(code):
            raise ValueError(f"rule code {code!r} must look like MSB123")
        if not _NAME.match(name):
            raise ValueError(f"rule name {name!r} must be kebab-case")
        for other in REGISTRY.values():
            if other.code == code or other.name == name:
                raise ValueError(f"rule {code} {name} clashes with {other.code} {other.name}")
        REGISTRY[code] = Rule(
            code=code,
            name=name,
            severity=severity,
            category=category,
            summary=summary,
            doc=inspect.cleandoc(check.__doc__ or ""),
            check=check,
            buildkit=buildkit,
            hadolint=tuple(hadolint),
            fixable=fixable,
            experimental=experimental,
            enabled_by_default=enabled_by_default,
        )
        return check

    return register


@dataclass(slots=True)
class Finding:
    """A violation of a rule after configuration and suppressions were applied."""

    rule: Rule
    span: Span
    message: str
    severity: Severity
    fixes: tuple[Fix, ...] = ()
    related: tuple[Related, ...] = ()
    unnecessary: bool = False
    deprecated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def fix(self) -> Fix | None:
        return self.fixes[0] if self.fixes else None
