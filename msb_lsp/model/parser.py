"""Dockerfile text to a position-exact syntax tree, following BuildKit's parser.

`parse()` never raises: whatever the input, it returns a `Dockerfile` whose `problems` list
says what BuildKit would reject, with BuildKit's wording and the tightest span.
"""

from __future__ import annotations

import json
import re

from msb_lsp.model.checks import parse_check_value
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.gcpause import paused_gc
from msb_lsp.model.lexer import (
    DIRECTIVE_RE,
    KNOWN_DIRECTIVES,
    LogicalLine,
    is_blank,
    is_comment,
    read_logical_line,
)
from msb_lsp.model.nodes import (
    Comment,
    CopyInstruction,
    Directive,
    Flag,
    FromInstruction,
    HealthcheckInstruction,
    Heredoc,
    Instruction,
    KeyValue,
    KeyValueInstruction,
    MountOption,
    OnbuildInstruction,
    Problem,
    RunInstruction,
    Word,
)
from msb_lsp.model.shift import shift_instruction
from msb_lsp.model.source import BOM, Source
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.validate import validate
from msb_lsp.model.varrefs import find_vars
from msb_lsp.model.words import (
    flag_words,
    shell_words,
    split_csv,
    unquote_flag,
    unquote_shell,
    whitespace_words,
)

_KEYWORD = re.compile(r"[^\t\v\f\r ]+")
_HEREDOC = re.compile(r"(\d*)<<(-?)([^<]*)")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_LEADING_WS = re.compile(r"\s*")

HEREDOC_KINDS = frozenset({"RUN", "COPY", "ADD"})
JSON_KINDS = frozenset({"CMD", "ENTRYPOINT", "RUN", "SHELL"})
JSON_LIST_KINDS = frozenset({"ADD", "COPY", "VOLUME"})
STRING_KINDS = frozenset({"MAINTAINER", "USER", "WORKDIR", "STOPSIGNAL"})
# Instructions whose arguments the builder expands (not the shell).
BUILDER_EXPANDED = frozenset(
    {
        "ADD",
        "COPY",
        "ENV",
        "EXPOSE",
        "FROM",
        "LABEL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
        "ARG",
    }
)
MAX_LINE_LENGTH = 65535 * 4  # BuildKit's 64 KiB token limit, in bytes at worst 4 per code point


def parse(text: str, previous: Dockerfile | None = None) -> Dockerfile:
    """Parse a whole Dockerfile. Never raises.

    With `previous` (the model of the document's last version), instructions whose lines are
    unchanged are reused instead of parsed again (moved in place when lines were added or
    removed above them): typing in one line of a large file re-parses that instruction only.
    `previous` is consumed: its instructions now belong to the new model, so pass only a
    model nobody reads any more.
    """
    with paused_gc():
        return _Parser(text, previous).run()


class _Parser:
    def __init__(self, text: str, previous: Dockerfile | None = None) -> None:
        self.source = Source(text)
        self.previous = previous
        self.escape = "\\"
        self.directives: list[Directive] = []
        self.comments: list[Comment] = []
        self.instructions: list[Instruction] = []
        self.problems: list[Problem] = []

    # -- the line loop ---------------------------------------------------------------

    def run(self) -> Dockerfile:
        self._align()
        lines = self.source.lines
        n = len(lines)
        scanning_directives = True
        pending: list[Comment] = []
        bom = 1 if self.source.text.startswith(BOM) else 0
        i = 0
        while i < n:
            col0 = bom if i == 0 else 0
            line = lines[i]
            if scanning_directives:
                scanning_directives = self._directive(line, i, col0)
            if is_comment(line[col0:]):
                comment = self._comment(line, i, col0)
                self.comments.append(comment)
                if comment.text:
                    pending.append(comment)
                else:
                    pending = []  # an empty `#` line resets the description comments
                i += 1
                continue
            scanning_directives = False
            if is_blank(line[col0:]):
                i += 1
                continue
            reused = self._reusable(i, pending)
            if reused is not None:
                self.instructions.append(reused)
                self.comments.extend(reused.inner_comments)
                self.problems.extend(reused.syntax_problems)
                pending = []
                i = reused.end_line + 1
                continue
            logical = read_logical_line(lines, i, self.escape, col0)
            inner = [self._comment(lines[c], c, 0) for c in logical.comment_lines]
            self.comments.extend(inner)
            if not logical.text.strip():
                i = logical.end_line + 1  # only escape characters: no instruction at all
                continue
            problems_before = len(self.problems)
            instr = self._instruction(logical, 0, pending)
            pending = []
            i = logical.end_line + 1
            i = self._heredoc_bodies(instr, i)
            instr.inner_comments = inner
            instr.syntax_problems = self.problems[problems_before:]
            self.instructions.append(instr)
        if not self.instructions:
            self.problems.append(
                Problem("no-instructions", "file with no instructions", Span(Pos(0, 0), Pos(0, 0)))
            )
        df = Dockerfile(
            source=self.source,
            escape=self.escape,
            directives=self.directives,
            comments=self.comments,
            instructions=self.instructions,
            problems=self.problems,
        )
        validate(df)
        df.problems.sort(key=lambda p: p.span.start)
        if self.previous is not None:
            _retire(self.previous, df)
        return df

    def _align(self) -> None:
        """Line alignment with the previous version: how many lines are equal at the top
        (`_prefix`) and at the bottom (from `_suffix_start` in the new text on), and how far
        the bottom moved (`_delta`)."""
        prev_df = self.previous
        self._prefix = self._suffix_start = 0
        self._delta = 0
        if prev_df is None:
            return
        old, new = prev_df.source.lines, self.source.lines
        limit = min(len(old), len(new))
        p = 0
        while p < limit and old[p] == new[p]:
            p += 1
        s = 0
        while s < limit - p and old[-1 - s] == new[-1 - s]:
            s += 1
        self._prefix = p
        self._suffix_start = len(new) - s
        self._delta = len(new) - len(old)

    def _reusable(self, line: int, pending: list[Comment]) -> Instruction | None:
        """The previous version's instruction for the one starting at `line`, if nothing it
        depends on changed: its own lines, the comment lines above it, and the escape
        character. Instructions below an edit that added or removed lines are moved."""
        prev_df = self.previous
        if prev_df is None or prev_df.escape != self.escape:
            return None
        if line >= self._suffix_start:
            old_start = line - self._delta
        elif line < self._prefix:
            old_start = line
        else:
            return None
        prev = prev_df.instruction_starting_at(old_start)
        if prev is None or prev.parent is not None:
            return None
        prev_lines = prev_df.source.lines
        # Above the edit, the whole instruction must lie above it; and one that ran into the
        # end of the file (a trailing continuation, an unterminated heredoc) could grow when
        # lines are added after it.
        if line < self._prefix and (
            prev.end_line >= len(prev_lines) - 1 or prev.end_line >= self._prefix
        ):
            return None
        comments = [(c.text, c.span.start.line - line, c.span.start.col) for c in pending]
        before = [(c.text, c.span.start.line - old_start, c.span.start.col) for c in prev.comments]
        if comments != before:
            return None
        shift_instruction(prev, line - old_start)
        prev.comments = list(pending)
        prev.stage = None
        return prev

    def _comment(self, line: str, index: int, col0: int) -> Comment:
        start = len(line) - len(line[col0:].lstrip(" \t\v\f\r"))
        return Comment(line[start + 1 :].strip(), Span.on_line(index, start, len(line.rstrip())))

    def _directive(self, line: str, index: int, col0: int) -> bool:
        """Record a parser directive; False when the line ends directive scanning."""
        body = line[col0:]
        stripped = body.lstrip(" \t\v\f\r")
        m = DIRECTIVE_RE.match(stripped)
        if m is None or m.group(1).lower() not in KNOWN_DIRECTIVES:
            return False
        base = len(line) - len(stripped)
        name = m.group(1).lower()
        d = Directive(
            name=name,
            value=m.group(2),
            span=Span.on_line(index, base, base + len(stripped.rstrip())),
            name_span=Span.on_line(index, base + m.start(1), base + m.end(1)),
            value_span=Span.on_line(index, base + m.start(2), base + m.end(2)),
        )
        if any(x.name == name for x in self.directives):
            self.problems.append(
                Problem(
                    "repeated-directive",
                    f"only one {name} parser directive can be used",
                    d.span,
                )
            )
            return True
        self.directives.append(d)
        if name == "check":
            error = parse_check_value(d.value)[1]
            if error is not None:
                self.problems.append(Problem("invalid-check-directive", error, d.value_span))
        if name == "escape":
            if d.value in ("\\", "`"):
                self.escape = d.value
            else:
                self.problems.append(
                    Problem(
                        "invalid-escape-directive",
                        f"invalid escape token '{d.value}' does not match ` or \\",
                        d.value_span,
                    )
                )
        return True

    # -- one instruction -------------------------------------------------------------

    def _instruction(
        self,
        logical: LogicalLine,
        start: int,
        comments: list[Comment],
        parent: Instruction | None = None,
    ) -> Instruction:
        text = logical.text
        m = _KEYWORD.search(text, start)
        assert m is not None  # a logical line always has a keyword
        keyword = m.group()
        kind = keyword.upper()
        cls = _CLASSES.get(kind, Instruction)
        end = len(text.rstrip())
        instr = cls(
            keyword=keyword,
            kind=kind,
            span=logical.span(m.start(), max(end, m.end())),
            keyword_span=logical.span(m.start(), m.end()),
            start_line=logical.start_line,
            end_line=logical.end_line,
            comments=list(comments),
            empty_continuation_lines=list(logical.empty_continuation_lines),
            continuation_lines=list(logical.continuation_lines),
            parent=parent,
        )
        rest = m.end()
        if rest < len(text) and text[rest] not in "\t\v\f\r ":
            rest = len(text)  # BuildKit splits keyword and arguments on whitespace only
        words, args_start = flag_words(text, rest) if rest < end else ([], rest)
        expanded = _EXPANDED_FLAGS.get(kind, ())
        for a, b in words:
            flag = self._flag(logical, a, b)
            instr.flags.append(flag)
            if flag.name in expanded and flag.value is not None:
                self._vars(instr, logical, a + flag.raw.find("=") + 1, b)
            elif flag.name == "mount" and kind == "RUN":
                for opt, (oa, ob) in zip(flag.options, self._option_value_offsets, strict=False):
                    if opt.key.lower() != "from" and oa >= 0:
                        self._vars(instr, logical, oa, ob)
        args_start = _LEADING_WS.match(text, args_start).end()  # type: ignore[union-attr]
        args_end = max(args_start, end)
        instr.args_text = text[args_start:args_end]
        if args_end > args_start:
            instr.args_span = logical.span(args_start, args_end)
        _ARG_PARSERS.get(kind, _parse_nothing)(self, instr, logical, args_start, args_end)
        return instr

    def _flag(self, logical: LogicalLine, a: int, b: int) -> Flag:
        raw = logical.text[a:b]
        eq = raw.find("=")
        if eq < 0:
            name_end = b
            value = None
            value_span = None
        else:
            name_end = a + eq
            value = unquote_flag(raw[eq + 1 :])
            value_span = logical.span(a + eq + 1, b)
        flag = Flag(
            name=unquote_flag(logical.text[a + 2 : name_end]),
            name_span=logical.span(a, name_end),
            value=value,
            value_span=value_span,
            span=logical.span(a, b),
            raw=raw,
        )
        if flag.name == "mount" and eq >= 0:
            flag.options = self._mount_options(logical, a + eq + 1, b)
        return flag

    def _mount_options(self, logical: LogicalLine, a: int, b: int) -> list[MountOption]:
        text = logical.text
        self._option_value_offsets: list[tuple[int, int]] = []
        # Quotes around the whole value (`--mount="type=cache,target=/x"`) are dropped.
        if b - a >= 2 and text[a] == text[b - 1] and text[a] in "\"'":
            a, b = a + 1, b - 1
        options = []
        for fa, fb in split_csv(text, a, b):
            eq = text.find("=", fa, fb)
            if eq < 0:
                options.append(
                    MountOption(
                        text[fa:fb].strip(), logical.span(fa, fb), None, None, logical.span(fa, fb)
                    )
                )
                self._option_value_offsets.append((-1, -1))
                continue
            self._option_value_offsets.append((eq + 1, fb))
            value = text[eq + 1 : fb]
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            options.append(
                MountOption(
                    key=text[fa:eq].strip(),
                    key_span=logical.span(fa, eq),
                    value=value,
                    value_span=logical.span(eq + 1, fb),
                    span=logical.span(fa, fb),
                )
            )
        return options

    # -- shared argument helpers -----------------------------------------------------

    def _word(self, logical: LogicalLine, a: int, b: int, unquote: bool = False) -> Word:
        text = logical.text[a:b]
        value = unquote_shell(text, self.escape) if unquote else text
        return Word(text, logical.span(a, b), value)

    def _vars(
        self,
        instr: Instruction,
        logical: LogicalLine,
        a: int,
        b: int,
        builder: bool = True,
        quotes: bool = True,
    ) -> None:
        from msb_lsp.model.nodes import VarRef

        for v in find_vars(logical.text, self.escape, a, b, quotes=quotes):
            instr.variables.append(
                VarRef(
                    name=v.name,
                    span=logical.span(v.start, v.end),
                    name_span=logical.span(v.name_start, v.name_end),
                    braced=v.braced,
                    modifier=v.modifier,
                    modifier_span=(
                        logical.span(v.mod_start, v.mod_start + len(v.modifier))
                        if v.modifier
                        else None
                    ),
                    word_span=logical.span(v.word_start, v.word_end) if v.word_start >= 0 else None,
                    builder_expanded=builder,
                    line_text=logical.text,
                    word_offsets=(v.word_start, v.word_end) if v.word_start >= 0 else None,
                )
            )

    def _json(self, instr: Instruction, logical: LogicalLine, a: int, b: int) -> bool:
        """Exec form: True when the arguments are a JSON array of strings."""
        text = logical.text
        if a >= b or text[a] != "[":
            return False
        try:
            value = json.loads(text[a:b], parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            return False  # not JSON: BuildKit falls back to the shell form
        if not isinstance(value, list):
            return False
        if not all(isinstance(v, str) for v in value):
            self.problems.append(
                Problem(
                    "json-array-not-strings",
                    "when using JSON array syntax, arrays must be comprised of strings only",
                    logical.span(a, b),
                )
            )
            return False
        spans = list(_JSON_STRING.finditer(text, a, b))
        instr.json = True
        instr.args = [
            Word(m.group(), logical.span(m.start(), m.end()), v)
            for m, v in zip(spans, value, strict=False)
        ]
        return True

    def _heredoc_bodies(self, instr: Instruction, i: int) -> int:
        """Read the bodies of the instruction's heredocs from line `i` on; the next line."""
        target = instr.trigger if isinstance(instr, OnbuildInstruction) else instr
        if target is None or not target.heredocs:
            return i
        lines = self.source.lines
        n = len(lines)
        for doc in target.heredocs:
            first = i
            terminated = False
            while i < n:
                line = lines[i]
                candidate = line.lstrip("\t") if doc.chomp else line
                if candidate == doc.name:
                    doc.terminator_span = Span.on_line(i, len(line) - len(candidate), len(line))
                    terminated = True
                    i += 1
                    break
                doc.body_lines.append(i)
                i += 1
            body_end = i - 1 if terminated else i
            if body_end > first:
                last = body_end - 1
                doc.body_span = Span(Pos(first, 0), Pos(last, len(lines[last])))
                doc.body = "\n".join(lines[first:body_end]) + "\n"
            if not terminated:
                self.problems.append(
                    Problem("unterminated-heredoc", "unterminated heredoc", doc.marker_span)
                )
        last_line = i - 1
        for node in (instr, target):
            node.end_line = max(node.end_line, last_line)
            node.span = Span(
                node.span.start, max(node.span.end, Pos(last_line, len(lines[last_line])))
            )
        return i

    def _find_heredocs(self, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
        text = logical.text
        if "<<" not in text[a:b]:
            return
        for wa, wb in shell_words(text, "\\", a, b):
            m = _HEREDOC.fullmatch(text, wa, wb)
            if m is None:
                continue
            raw_name = m.group(3)
            name = unquote_shell(raw_name)
            if not name:
                continue
            fd = int(m.group(1)) if m.group(1) else None
            instr.heredocs.append(
                Heredoc(
                    name=name,
                    marker_span=logical.span(wa, wb),
                    name_span=logical.span(m.start(3), m.end(3)),
                    chomp=m.group(2) == "-",
                    quoted=any(q in raw_name for q in "\"'"),
                    fd=fd,
                    body="",
                    body_span=None,
                    terminator_span=None,
                )
            )


def _retire(old: Dockerfile, new: Dockerfile) -> None:
    """Release the consumed model, except the instructions the new one took over."""
    old.release(keep={id(i) for i in new.instructions})


def _reject_constant(name: str) -> None:
    raise ValueError(name)  # Go's JSON has no NaN or Infinity


# -- per-instruction argument parsers ---------------------------------------------------


def _parse_nothing(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    """Unknown instructions: BuildKit discards their arguments."""


def _parse_from(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    assert isinstance(instr, FromInstruction)
    offsets = whitespace_words(logical.text, a, b)
    words = [p._word(logical, wa, wb) for wa, wb in offsets]
    instr.args = words
    if words:
        instr.image = words[0]
        p._vars(instr, logical, *offsets[0])
    if len(words) == 3 and words[1].text.lower() == "as":
        instr.as_keyword = words[1]
        name = words[2]
        instr.stage_name = Word(name.text, name.span, name.text.lower())


def _parse_copy(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    if p._json(instr, logical, a, b):
        p._vars(instr, logical, a, b)
        return
    offsets = whitespace_words(logical.text, a, b)
    instr.args = [p._word(logical, wa, wb) for wa, wb in offsets]
    p._find_heredocs(instr, logical, a, b)
    for wa, wb in offsets:
        if not (logical.text.startswith("<<", wa) and instr.heredocs):
            p._vars(instr, logical, wa, wb)


def _parse_run(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    _parse_command(p, instr, logical, a, b)
    if not instr.json:
        p._find_heredocs(instr, logical, a, b)


def _parse_command(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    """CMD, ENTRYPOINT, SHELL and RUN: exec form, or the whole text as one shell string."""
    if p._json(instr, logical, a, b):
        return
    if b > a:
        instr.args = [p._word(logical, a, b)]
        p._vars(instr, logical, a, b, builder=False)


def _parse_key_values(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    """ENV and LABEL: `k=v ...`, or the legacy `k v` form when the first word has no `=`."""
    assert isinstance(instr, KeyValueInstruction)
    text = logical.text
    words = shell_words(text, p.escape, a, b)
    if not words:
        p.problems.append(
            Problem(
                "missing-arguments", f"{instr.kind} must have two arguments", instr.keyword_span
            )
        )
        return
    instr.args = [p._word(logical, x, y) for x, y in words]
    wa, wb = words[0]
    if "=" not in text[wa:wb]:
        split = re.search(r"[\t\v\f\r ]+", text[a:b])
        if split is None:
            p.problems.append(
                Problem("missing-arguments", f"{instr.kind} must have two arguments", instr.span)
            )
            instr.pairs.append(KeyValue(p._word(logical, a, b), None, "", logical.span(a, b)))
            return
        key_end = a + split.start()
        val_start = a + split.end()
        value = p._word(logical, val_start, b)
        value.value = _legacy_value(text[val_start:b], p.escape)
        instr.pairs.append(KeyValue(p._word(logical, a, key_end), value, "", logical.span(a, b)))
        p._vars(instr, logical, val_start, b)
        return
    for wa, wb in words:
        eq = text.find("=", wa, wb)
        if eq < 0:
            p.problems.append(
                Problem(
                    "missing-equals",
                    f'Syntax error - can\'t find = in "{text[wa:wb]}". '
                    "Must be of the form: name=value",
                    logical.span(wa, wb),
                )
            )
            continue
        instr.pairs.append(
            KeyValue(
                p._word(logical, wa, eq),
                p._word(logical, eq + 1, wb, unquote=True),
                "=",
                logical.span(wa, wb),
            )
        )
        p._vars(instr, logical, eq + 1, wb)


def _legacy_value(text: str, escape: str) -> str:
    return unquote_shell(text, escape) if text[:1] in "\"'" else text


def _parse_arg(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    assert isinstance(instr, KeyValueInstruction)
    text = logical.text
    for wa, wb in shell_words(text, p.escape, a, b):
        eq = text.find("=", wa, wb)
        if eq < 0:
            instr.pairs.append(KeyValue(p._word(logical, wa, wb), None, "", logical.span(wa, wb)))
            continue
        instr.pairs.append(
            KeyValue(
                p._word(logical, wa, eq),
                p._word(logical, eq + 1, wb, unquote=True),
                "=",
                logical.span(wa, wb),
            )
        )
        p._vars(instr, logical, eq + 1, wb)
    instr.args = [p._word(logical, wa, wb) for wa, wb in shell_words(text, p.escape, a, b)]


def _parse_words(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    """EXPOSE, and the shell form of VOLUME."""
    if instr.kind == "VOLUME" and p._json(instr, logical, a, b):
        return
    instr.args = [p._word(logical, wa, wb) for wa, wb in whitespace_words(logical.text, a, b)]
    p._vars(instr, logical, a, b)


def _parse_string(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    if b > a:
        instr.args = [p._word(logical, a, b)]
        if instr.kind != "MAINTAINER":
            p._vars(instr, logical, a, b)


def _parse_healthcheck(
    p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int
) -> None:
    assert isinstance(instr, HealthcheckInstruction)
    m = re.compile(r"\S+").match(logical.text, a, b)
    if m is None:
        return
    instr.check_type = p._word(logical, m.start(), m.end())
    rest = _LEADING_WS.match(logical.text, m.end(), b).end()  # type: ignore[union-attr]
    _parse_command(p, instr, logical, rest, b)


def _parse_onbuild(p: _Parser, instr: Instruction, logical: LogicalLine, a: int, b: int) -> None:
    assert isinstance(instr, OnbuildInstruction)
    if b <= a:
        return
    trigger = p._instruction(logical, a, [], parent=instr)
    instr.trigger = trigger


# Flags whose values the builder expands, per instruction.
_EXPANDED_FLAGS = {
    "FROM": ("platform",),
    "COPY": ("chown", "chmod"),
    "ADD": ("chown", "chmod", "checksum"),
}

_CLASSES: dict[str, type[Instruction]] = {
    "FROM": FromInstruction,
    "COPY": CopyInstruction,
    "ADD": CopyInstruction,
    "RUN": RunInstruction,
    "ENV": KeyValueInstruction,
    "LABEL": KeyValueInstruction,
    "ARG": KeyValueInstruction,
    "HEALTHCHECK": HealthcheckInstruction,
    "ONBUILD": OnbuildInstruction,
}

_ARG_PARSERS = {
    "FROM": _parse_from,
    "COPY": _parse_copy,
    "ADD": _parse_copy,
    "RUN": _parse_run,
    "CMD": _parse_command,
    "ENTRYPOINT": _parse_command,
    "SHELL": _parse_command,
    "ENV": _parse_key_values,
    "LABEL": _parse_key_values,
    "ARG": _parse_arg,
    "EXPOSE": _parse_words,
    "VOLUME": _parse_words,
    "MAINTAINER": _parse_string,
    "USER": _parse_string,
    "WORKDIR": _parse_string,
    "STOPSIGNAL": _parse_string,
    "HEALTHCHECK": _parse_healthcheck,
    "ONBUILD": _parse_onbuild,
}
