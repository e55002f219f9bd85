"""Quick fixes and fix-all, without LSP: what the editor offers for a finding, and the one
engine function behind the `source.fixAll.msb-lsp` action and `msb-lsp check --fix`.

- `quick_fixes(df, finding)`: the rule's own fixes, then "ignore this rule" for the
  instruction and for the file (`msb_lsp.refactor.suppress`).
- `fixes_from_data(data)`: the fixes a diagnostic carries in its `data`
  (`{"rule": name, "fixes": [Fix.to_data(), ...], "version": n}`), read defensively: a client
  sends back whatever it kept.
- `preferred(fixes)`: the fix an editor may apply with one key press (the only safe one).
- `fix_all(text, lint_text)`: every compatible safe fix, pass after pass, until nothing
  changes (a fix can unlock another, e.g. a renamed stage makes a `COPY --from` resolvable),
  bounded by `MAX_PASSES`; `diff_edits(old, new)` turns the result into line edits that leave
  unchanged lines (and the editor's cursor and marks on them) alone.

Inserted text follows the file's line endings (`with_eol`), so a CRLF file stays CRLF.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.source import Source
from msb_lsp.model.span import Pos, Span
from msb_lsp.refactor.fixes import apply_edits, compatible_fixes, safe_fixes
from msb_lsp.refactor.suppress import ignore_fixes
from msb_lsp.rules.base import Edit, Finding, Fix

MAX_PASSES = 10
_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")

LintText = Callable[[str], Sequence[Finding]]


def quick_fixes(df: Dockerfile, finding: Finding) -> list[Fix]:
    """What the editor offers for one finding: its fixes, then the suppression comments."""
    eol = df.source.eol
    own = [with_eol(fix, eol) for fix in finding.fixes]
    return own + ignore_fixes(df, finding.rule, finding.span.start)


def preferred(fixes: Sequence[Fix]) -> Fix | None:
    """The single safe fix among a finding's fixes (None when there are none or several:
    with two "did you mean" candidates, neither is obviously right)."""
    safe = [f for f in fixes if f.safe]
    return safe[0] if len(safe) == 1 else None


def fixes_from_data(data: Any) -> tuple[str | None, list[Fix]] | None:
    """The rule name and fixes in a diagnostic's `data`; None when it is not ours or is
    malformed (the caller then falls back to the findings of the current version)."""
    if not isinstance(data, dict) or not isinstance(data.get("fixes"), list):
        return None
    rule = data.get("rule")
    try:
        fixes = [Fix.from_data(item) for item in data["fixes"]]
    except (KeyError, TypeError, ValueError):
        return None
    return (rule if isinstance(rule, str) else None), fixes


def data_version(data: Any) -> int | None:
    """The document version a diagnostic's `data` was computed for, if it says."""
    if isinstance(data, dict):
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            return version
    return None


def with_eol(fix: Fix, eol: str) -> Fix:
    """The fix with every line break it inserts written as `eol`."""
    edits = tuple(Edit(e.span, _NEWLINE.sub(eol, e.text)) for e in fix.edits)
    if edits == fix.edits:
        return fix
    return Fix(fix.title, edits, fix.safe)


@dataclass(frozen=True, slots=True)
class FixAllResult:
    text: str
    applied: int  # fixes applied over all passes
    passes: int  # passes that changed the text
    converged: bool  # False when MAX_PASSES ran out or the fixes went round in a circle


def fix_all(text: str, lint_text: LintText, max_passes: int = MAX_PASSES) -> FixAllResult:
    """Apply every compatible safe fix, re-linting after each pass, until no safe fix is
    left or a pass changes nothing; at most `max_passes` passes."""
    eol = Source(text).eol
    seen = {text}
    applied = passes = 0
    for _ in range(max_passes):
        fixes = [with_eol(f, eol) for f in safe_fixes(lint_text(text))]
        chosen = compatible_fixes(fixes, text)
        if not chosen:
            return FixAllResult(text, applied, passes, True)
        new = apply_edits(text, [e for fix in chosen for e in fix.edits])
        if new == text:
            return FixAllResult(text, applied, passes, True)
        if new in seen:  # fixes undoing each other: stop where the circle started
            return FixAllResult(text, applied, passes, False)
        seen.add(new)
        text = new
        applied += len(chosen)
        passes += 1
    return FixAllResult(text, applied, passes, not safe_fixes(lint_text(text)))


def diff_edits(old: str, new: str) -> list[Edit]:
    """Non-overlapping edits, line-aligned, that turn `old` into `new`."""
    if old == new:
        return []
    a, b = _LINE.findall(old), _LINE.findall(new)
    edits = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(Edit(Span(_line_start(a, i1), _line_start(a, i2)), "".join(b[j1:j2])))
    return edits


def _line_start(lines: list[str], index: int) -> Pos:
    """The position where the `index`-th of `lines` starts; past the last line, the end of
    the text (which is the start of the line after a final line break)."""
    if index < len(lines):
        return Pos(index, 0)
    if not lines:
        return Pos(0, 0)
    last = lines[-1]
    if _NEWLINE.search(last[-1:]) is not None:
        return Pos(len(lines), 0)
    return Pos(len(lines) - 1, len(last))


def fixable(findings: Iterable[Finding]) -> bool:
    """Whether fix-all has something to do for these findings."""
    return any(f.fix is not None and f.fix.safe for f in findings)
