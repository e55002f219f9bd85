"""The "ignore this rule" edits: a suppression comment for one instruction or the whole file.

Rules with a BuildKit equivalent are silenced the way BuildKit reads them, so that
`docker build --check` agrees with the editor:

- here: `# check=skip=<BuildKitName>` in the comment lines directly above the instruction,
  merged into a `check=` comment already there;
- in this file: merged into the `# check=` parser directive at the top, or a new directive
  written after the existing ones (BuildKit rejects a second `check` directive).

Other rules, and BuildKit's experimental ones (which ignore `skip`), get
`# msb-lsp: ignore=<rule-name>` above the instruction or `# msb-lsp: ignore-file=<rule-name>`
near the top, merged the same way into a comment that already lists rules.

A new comment line takes the instruction's indentation and the file's line ending. A
`check=` comment directly above the first instruction, with only parser directives before
it, would itself be read as a parser directive (for the whole file); a blank line before it
keeps it local to the instruction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from msb_lsp.model.checks import parse_check_value
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.lexer import DIRECTIVE_RE, KNOWN_DIRECTIVES
from msb_lsp.model.nodes import Comment, Instruction
from msb_lsp.model.span import Pos, Span
from msb_lsp.rules.base import Edit, Fix, Rule

_CHECK_PREFIX = re.compile(r"[ \t]*check[ \t]*=[ \t]*", re.IGNORECASE)
_MSB_PREFIX = re.compile(r"[ \t]*msb-lsp[ \t]*:[ \t]*(ignore|ignore-file)[ \t]*=[ \t]*")
_MSB_VALUE = re.compile(r"[A-Za-z0-9_,\s-]+")

HERE = "here"
FILE = "file"


@dataclass(frozen=True, slots=True)
class Suppression:
    """How a rule is silenced: the comment family and the name written in it."""

    buildkit: bool  # `check=skip=` (True) or `msb-lsp: ignore=` (False)
    name: str  # the BuildKit name or the rule's kebab-case name

    @staticmethod
    def of(rule: Rule) -> Suppression:
        if rule.buildkit is not None and not rule.experimental:
            return Suppression(True, rule.buildkit)
        return Suppression(False, rule.name)


def ignore_fixes(df: Dockerfile, rule: Rule, at: Pos) -> list[Fix]:
    """The suppression fixes for a finding of `rule` starting at `at`: for its instruction
    (when it has one) and for the whole file. Never safe: fix-all must not silence rules."""
    out = []
    here = ignore_here(df, rule, at)
    if here is not None:
        out.append(here)
    whole = ignore_in_file(df, rule)
    if whole is not None:
        out.append(whole)
    return out


def ignore_fix(df: Dockerfile, rule: Rule, at: Pos, scope: str) -> Fix | None:
    """One of the two suppression fixes, by scope (`here` or `file`)."""
    if scope == HERE:
        return ignore_here(df, rule, at)
    if scope == FILE:
        return ignore_in_file(df, rule)
    return None


def ignore_here(df: Dockerfile, rule: Rule, at: Pos) -> Fix | None:
    """A comment above the instruction at `at` that silences `rule` for it alone; None when
    `at` is on no instruction (the engine suppresses per instruction only)."""
    instr = df.instruction_at(at)
    if instr is None:
        return None
    top = instr.parent or instr
    how = Suppression.of(rule)
    title = f"Ignore {how.name} for this instruction"
    directive_lines = _directive_region(df)
    for comment in reversed(_comments_above(df, top, directive_lines)):
        edit = _merge(df, comment, how, local=True)
        if edit is not None:
            return Fix(title, (edit,), safe=False)
    eol = df.source.eol
    line = top.start_line
    raw = df.lines[line]
    col0 = 1 if line == 0 and df.source.has_bom else 0
    body = raw[col0:]
    indent = body[: len(body) - len(body.lstrip(" \t"))]
    text = f"{indent}# {_comment_text(how, local=True)}{eol}"
    if how.buildkit and line <= directive_lines:
        text = eol + text  # keep it from being read as a parser directive
    at_line = Pos(line, col0)
    return Fix(title, (Edit(Span(at_line, at_line), text),), safe=False)


def ignore_in_file(df: Dockerfile, rule: Rule) -> Fix | None:
    """The top `check` directive (or an `ignore-file` comment) that silences `rule` in the
    whole file; None when an existing `check` directive cannot take one more part."""
    how = Suppression.of(rule)
    title = f"Ignore {how.name} in this file"
    if how.buildkit:
        directive = df.directive("check")
        if directive is not None:
            edit = _merge_check(df, directive.span.start.line, directive.span.start.col, how)
            return Fix(title, (edit,), safe=False) if edit is not None else None
    else:
        for comment in df.comments:
            edit = _merge_msb(df, comment, how, local=False)
            if edit is not None:
                return Fix(title, (edit,), safe=False)
    line = _directive_region(df)
    eol = df.source.eol
    text = f"# {_comment_text(how, local=False)}"
    if line >= len(df.lines):
        # Every line is a directive and the last one has no line break: add one before.
        end = df.source.end()
        return Fix(title, (Edit(Span(end, end), eol + text),), safe=False)
    at = Pos(line, 1 if line == 0 and df.source.has_bom else 0)
    return Fix(title, (Edit(Span(at, at), text + eol),), safe=False)


# -- helpers -------------------------------------------------------------------------------


def _comment_text(how: Suppression, local: bool) -> str:
    if how.buildkit:
        return f"check=skip={how.name}"
    return f"msb-lsp: {'ignore' if local else 'ignore-file'}={how.name}"


def _directive_region(df: Dockerfile) -> int:
    """The number of lines at the top that BuildKit reads as parser directives: a comment
    line written before that line index (with only directives above) is a directive too."""
    has_bom = df.source.has_bom
    for index, raw in enumerate(df.lines):
        body = raw[1:] if index == 0 and has_bom else raw
        m = DIRECTIVE_RE.match(body.lstrip(" \t\v\f\r"))
        if m is None or m.group(1).lower() not in KNOWN_DIRECTIVES:
            return index
    return len(df.lines)


def _comments_above(df: Dockerfile, instr: Instruction, directive_lines: int) -> list[Comment]:
    """The comment lines that apply to `instr` (those directly above it, blank lines
    between them allowed, as BuildKit collects them), parser directives excluded."""
    return [c for c in instr.comments if c.span.start.line >= directive_lines]


def _merge(df: Dockerfile, comment: Comment, how: Suppression, local: bool) -> Edit | None:
    if how.buildkit:
        return _merge_check(df, comment.span.start.line, comment.span.start.col, how)
    return _merge_msb(df, comment, how, local)


def _merge_check(df: Dockerfile, line: int, hash_col: int, how: Suppression) -> Edit | None:
    """Add `how.name` to the `check=` value in the comment whose `#` is at (line, hash_col):
    into its `skip=` list, or as a new `skip=` part; None if the comment is no `check=`."""
    raw = df.lines[line]
    m = _CHECK_PREFIX.match(raw, hash_col + 1)
    if m is None:
        return None
    value_start = m.end()
    rest = raw[value_start:].rstrip(" \t")
    if not rest:
        return None
    # BuildKit reads the value up to the first space; the rest is a remark.
    config_end = value_start + (rest.index(" ") if " " in rest else len(rest))
    config = raw[value_start:config_end]
    if parse_check_value(config)[1] is not None:
        return None  # BuildKit rejects this value already: adding to it would not help
    offset = value_start
    parts = []
    for part in config.split(";"):
        parts.append((offset, part))
        offset += len(part) + 1
    for start, part in parts:
        key, sep, arg = part.partition("=")
        if sep and key.strip().lower() == "skip":
            names = [n.strip() for n in arg.split(",") if n.strip()]
            if how.name in names or "all" in names:
                return None
            at = start + len(part)
            text = how.name if not names or arg.rstrip().endswith(",") else "," + how.name
            return Edit(Span.on_line(line, at, at), text)
    if len([p for _, p in parts if p]) >= 3:
        return None  # BuildKit allows three parts at most
    text = ("" if config.endswith(";") else ";") + f"skip={how.name}"
    return Edit(Span.on_line(line, config_end, config_end), text)


def _merge_msb(df: Dockerfile, comment: Comment, how: Suppression, local: bool) -> Edit | None:
    """Add `how.name` to a `# msb-lsp: ignore=` (or `ignore-file=`) comment."""
    line = comment.span.start.line
    raw = df.lines[line]
    m = _MSB_PREFIX.match(raw, comment.span.start.col + 1)
    if m is None or (m.group(1) == "ignore") != local:
        return None
    value = raw[m.end() : comment.span.end.col]
    if not value or _MSB_VALUE.fullmatch(value) is None:
        return None
    names = [n.strip().lower() for n in value.split(",") if n.strip()]
    if how.name in names:
        return None
    at = comment.span.end.col
    text = how.name if value.rstrip().endswith(",") else "," + how.name
    return Edit(Span.on_line(line, at, at), text)
