"""What is under the cursor: which kind of word is being typed, where it starts and ends.

Works on the text of the one instruction at the cursor (its lines up to the cursor, joined
the way the parser joins continuation lines), so that half-typed input, which the model
may read differently, still gives the right context, and so that a request costs the same
on a 20-line file as on a 3000-line one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from msb_lsp.complete.knowledge import MOUNT_KEY_ALIASES
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.lexer import DIRECTIVE_RE, KNOWN_DIRECTIVES, continuation_re, is_blank
from msb_lsp.model.nodes import Instruction, OnbuildInstruction
from msb_lsp.model.source import BOM
from msb_lsp.model.span import Pos
from msb_lsp.model.stages import Stage
from msb_lsp.model.words import flag_words, split_csv


class Where(str, Enum):
    KEYWORD = "keyword"  # an instruction keyword at the start of a line (or after ONBUILD)
    FLAG = "flag"  # a flag name: `--fr`, `-`
    FLAG_VALUE = "flag-value"  # after `--name=`
    MOUNT_KEY = "mount-key"  # a key inside `--mount=`
    MOUNT_VALUE = "mount-value"  # after `key=` inside `--mount=`
    ARGUMENT = "argument"  # a word of the instruction's arguments (after the flags)
    IMAGE_TAG = "image-tag"  # the tag after `FROM image:`
    VARIABLE = "variable"  # a name after `$` or `${`
    DIRECTIVE = "directive"  # a parser directive name: `# sy`
    DIRECTIVE_VALUE = "directive-value"  # after `# syntax=`, `# escape=`
    CHECK = "check"  # inside a `check=` value: its keys, or rule names after `skip=`


@dataclass(slots=True)
class Context:
    where: Where
    pos: Pos  # the cursor
    start: Pos  # where the word being typed starts (same line as the cursor)
    end: Pos  # where that word ends (at or after the cursor): the replace range
    prefix: str  # the word from `start` to the cursor
    kind: str | None = None  # the instruction's upper-cased keyword (an ONBUILD's trigger)
    instruction: Instruction | None = None  # the top-level instruction at the cursor
    stage: Stage | None = None
    onbuild: bool = False  # inside an ONBUILD trigger
    trigger: str | None = None  # the character that triggered the request, if any
    flag: str | None = None  # FLAG_VALUE, MOUNT_*: the flag's name
    other_flags: tuple[str, ...] = ()  # flags of the instruction besides the one typed
    key: str | None = None  # MOUNT_VALUE: the key; DIRECTIVE_VALUE: the directive; CHECK
    mount: dict[str, str] = field(default_factory=dict)  # the mount's other keys (lower)
    index: int = 0  # ARGUMENT: which argument (0-based, flags not counted)
    before: tuple[str, ...] = ()  # ARGUMENT: the argument words before this one
    flag_position: bool = False  # ARGUMENT: flags could still be written here
    image: str | None = None  # IMAGE_TAG: the image name before `:`
    braced: bool = False  # VARIABLE: `${`
    closed: bool = False  # VARIABLE: a `}` already follows the cursor
    builder: bool = True  # VARIABLE: expanded by the builder (False: by the shell)
    present: tuple[str, ...] = ()  # CHECK/DIRECTIVE: names already written
    followed: bool = False  # KEYWORD: arguments already follow the keyword


# Instructions whose arguments the builder expands, and those the shell expands.
_BUILDER_KINDS = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}
)
_SHELL_KINDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})
# Flag values the builder expands, per instruction.
_EXPANDED_FLAGS = {
    "FROM": frozenset({"platform"}),
    "COPY": frozenset({"chown", "chmod"}),
    "ADD": frozenset({"chown", "chmod", "checksum"}),
}
_VAR_TAIL = re.compile(r"\$(\{)?([A-Za-z_][A-Za-z0-9_]*)?\Z")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_]*")
_KEYWORD_CHARS = re.compile(r"[A-Za-z]*")
_NON_SPACE = re.compile(r"\S+")
_SPACE = re.compile(r"\s*")
_COMMENT_HEAD = re.compile(r"[ \t\v\f\r]*#[ \t]*")
_DIRECTIVE_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*")
_DIRECTIVE_NAME = re.compile(r"(?:[A-Za-z][A-Za-z0-9]*)?")
_CHECK_PREFIX = re.compile(r"check[ \t]*=[ \t]*", re.IGNORECASE)


def context_at(df: Dockerfile, pos: Pos, trigger: str | None = None) -> Context | None:
    """The completion context at `pos` (code points), or None where nothing applies."""
    lines = df.lines
    if not 0 <= pos.line < len(lines) or not 0 <= pos.col <= len(lines[pos.line]):
        return None
    line = lines[pos.line]
    instr = df.instruction_at_line(pos.line)
    if _is_comment_line(line, pos.line, df):
        # Inside an instruction (a continuation, a heredoc body) a `#` line is not a comment
        # that configures anything.
        return _comment(df, pos, line) if instr is None else None
    if instr is None:
        col0 = 1 if pos.line == 0 and df.source.has_bom else 0
        if line[col0 : pos.col].strip() or trigger is not None:
            return None  # an empty line: keywords only on request, never on a space
        end = _KEYWORD_CHARS.match(line, pos.col).end()  # type: ignore[union-attr]
        return Context(
            Where.KEYWORD, pos, pos, Pos(pos.line, end), "", stage=df.stage_at_line(pos.line)
        )
    return _in_instruction(df, instr, pos, trigger)


def _is_comment_line(line: str, index: int, df: Dockerfile) -> bool:
    text = line[1:] if index == 0 and df.source.has_bom else line
    return text.lstrip(" \t\v\f\r").startswith("#")


# -- comments: parser directives and check= ------------------------------------------------


def _comment(df: Dockerfile, pos: Pos, line: str) -> Context | None:
    col0 = 1 if pos.line == 0 and line.startswith(BOM) else 0
    head = _COMMENT_HEAD.match(line, col0)
    if head is None or pos.col < head.end():
        return None
    typed = line[head.end() : pos.col]
    in_header = _in_directive_header(df, pos.line)
    if in_header:
        if _DIRECTIVE_NAME.fullmatch(typed):
            present = tuple(d.name for d in df.directives if d.span.start.line != pos.line)
            end = _word_end(line, pos, r"[A-Za-z0-9]*")
            return Context(
                Where.DIRECTIVE, pos, Pos(pos.line, head.end()), end, typed, present=present
            )
        m = _DIRECTIVE_PREFIX.match(line, head.end(), pos.col)
        if m is not None and m.group(1).lower() in KNOWN_DIRECTIVES:
            name = m.group(1).lower()
            if name == "check":
                return _check_value(line, pos, m.end())
            value = line[m.end() : pos.col]
            if " " in value or "\t" in value:
                return None
            end = _word_end(line, pos, r"\S*")
            return Context(Where.DIRECTIVE_VALUE, pos, Pos(pos.line, m.end()), end, value, key=name)
        return None
    # Elsewhere a `# check=` comment configures the checks of the instruction below it.
    m = _CHECK_PREFIX.match(line, head.end(), pos.col)
    if m is not None:
        return _check_value(line, pos, m.end())
    return None


def _in_directive_header(df: Dockerfile, line_index: int) -> bool:
    """True when every line above is a parser directive, so this one may be one too."""
    lines = df.lines
    for i in range(line_index):
        text = lines[i][1:] if i == 0 and df.source.has_bom else lines[i]
        m = DIRECTIVE_RE.match(text.lstrip(" \t\v\f\r"))
        if m is None or m.group(1).lower() not in KNOWN_DIRECTIVES:
            return False
    return True


def _check_value(line: str, pos: Pos, value_start: int) -> Context | None:
    """Inside `check=skip=A,B;error=true`: a key, or a value of the key at the cursor."""
    typed = line[value_start : pos.col]
    if " " in typed or "\t" in typed:
        return None  # BuildKit reads up to the first space; the rest is a comment
    part_start = value_start + typed.rfind(";") + 1
    part = line[part_start : pos.col]
    rest_of_word = _word_end(line, pos, r"[^\s;]*")
    eq = part.find("=")
    if eq < 0:
        end = _word_end(line, pos, r"[A-Za-z]*")
        return Context(Where.CHECK, pos, Pos(pos.line, part_start), end, part)
    key = part[:eq].strip().lower()
    values_start = part_start + eq + 1
    item_start = values_start + line[values_start : pos.col].rfind(",") + 1
    whole = line[values_start : rest_of_word.col]
    current = line[item_start : pos.col]
    end = _word_end(line, pos, r"[^\s;,]*")
    present = tuple(
        n.strip() for n in whole.split(",") if n.strip() and n.strip() != current.strip()
    )
    return Context(
        Where.CHECK, pos, Pos(pos.line, item_start), end, current, key=key, present=present
    )


def _word_end(line: str, pos: Pos, pattern: str) -> Pos:
    """The end of the word at the cursor: how far `pattern` matches from the cursor on."""
    m = re.compile(pattern).match(line, pos.col)
    return pos if m is None else Pos(pos.line, m.end())


# -- inside an instruction ---------------------------------------------------------------


@dataclass(slots=True)
class _Logical:
    """The instruction's text up to the cursor and how to map its offsets to the cursor line."""

    text: str  # from the keyword to the cursor, continuations joined
    after: str  # the rest of the cursor's line (up to a continuation escape)
    line_offset: int  # logical offset of the cursor line's first character
    line_col: int  # that character's column
    escape: str  # the file's escape character

    def pos(self, line: int, offset: int) -> Pos | None:
        """Position of a logical offset, if it is on the cursor line."""
        if offset < self.line_offset:
            return None
        return Pos(line, self.line_col + offset - self.line_offset)


def _logical(df: Dockerfile, instr: Instruction, pos: Pos) -> _Logical | None:
    lines = df.lines
    cont = continuation_re(df.escape)
    parts: list[str] = []
    size = 0
    first_col = instr.keyword_span.start.col
    for i in range(instr.start_line, pos.line):
        line = lines[i]
        if i == instr.start_line:
            segment = line[first_col:]
        elif is_blank(line) or line.lstrip(" \t\v\f\r").startswith("#"):
            continue  # skipped inside a continuation, as the parser does
        else:
            segment = line
        m = cont.search(segment)
        if m is None:
            return None  # the instruction ended above: the cursor is in a heredoc body
        parts.append(segment[: m.start()])
        size += m.start()
    line = lines[pos.line]
    col0 = first_col if pos.line == instr.start_line else 0
    if pos.col < col0:
        return None
    segment = line[col0:]
    m = cont.search(segment)
    seg_end = m.start() if m is not None else len(segment)
    c = pos.col - col0
    if c > seg_end:
        return None  # after the escape character that continues the line
    parts.append(segment[:c])
    return _Logical("".join(parts), segment[c:seg_end], size, col0, df.escape)


def _in_instruction(
    df: Dockerfile, instr: Instruction, pos: Pos, trigger: str | None
) -> Context | None:
    logical = _logical(df, instr, pos)
    if logical is None:
        return None
    if trigger == " " and logical.after[:1].strip():
        return None  # a space typed in front of a word only separates it
    text = logical.text
    base = Context(
        Where.KEYWORD, pos, pos, pos, "", instruction=instr, stage=instr.stage, trigger=trigger
    )
    m = _NON_SPACE.match(text)
    if m is None or m.end() == len(text):
        # The cursor is in (or at the end of) the keyword.
        return _keyword(base, logical, text[m.start() : m.end()] if m else "", 0)
    kind = instr.kind
    rest = m.end()
    model_instr = instr
    if kind == "ONBUILD":
        start = _SPACE.match(text, rest).end()  # type: ignore[union-attr]
        t = _NON_SPACE.match(text, start)
        if t is None or t.end() == len(text):
            base.onbuild = True
            return _keyword(base, logical, text[start:], start)
        kind = t.group().upper()
        rest = t.end()
        base.onbuild = True
        if isinstance(instr, OnbuildInstruction) and instr.trigger is not None:
            model_instr = instr.trigger
    base.kind = kind
    base.other_flags = tuple(
        f.name for f in model_instr.flags if not (f.span.start <= pos <= f.span.end)
    )
    return _after_keyword(base, logical, text, rest, kind)


def _keyword(ctx: Context, logical: _Logical, typed: str, start: int) -> Context | None:
    if not _KEYWORD_CHARS.fullmatch(typed):
        return None
    begin = logical.pos(ctx.pos.line, start)
    if begin is None:
        return None
    ctx.where = Where.KEYWORD
    ctx.prefix = typed
    ctx.start = begin
    rest = _KEYWORD_CHARS.match(logical.after).end()  # type: ignore[union-attr]
    ctx.end = Pos(ctx.pos.line, ctx.pos.col + rest)
    instr = ctx.instruction
    ctx.followed = bool(logical.after[rest:].strip()) or (
        instr is not None and instr.end_line > ctx.pos.line
    )
    return ctx


def _after_keyword(
    ctx: Context, logical: _Logical, text: str, rest: int, kind: str
) -> Context | None:
    line = ctx.pos.line
    words, after = flag_words(text, rest)
    if words and words[-1][1] == len(text):
        return _in_flag(ctx, logical, text, words[-1][0], kind)
    if (
        after == len(text)
        and text.endswith("--")
        and after - 2 > rest - 1
        and (text[after - 3].isspace())
    ):
        return _flag_name(ctx, logical, "--", after - 2)
    tail = text[after:]
    if tail.startswith("-") and not any(ch.isspace() for ch in tail):
        return _flag_name(ctx, logical, tail, after)
    # The arguments: which word the cursor is in.
    arg_words = [(w.start(), w.end()) for w in _NON_SPACE.finditer(text, after)]
    if arg_words and arg_words[-1][1] == len(text):
        word_start = arg_words[-1][0]
        before = tuple(text[a:b] for a, b in arg_words[:-1])
    else:
        word_start = len(text)
        before = tuple(text[a:b] for a, b in arg_words)
    ctx.index = len(before)
    ctx.before = before
    ctx.flag_position = not before and kind in ("FROM", "COPY", "ADD", "RUN", "HEALTHCHECK")
    variable = _variable(ctx, logical, text, after, word_start, kind)
    if variable is not None:
        return variable
    if kind == "FROM" and ctx.index == 0:
        word = text[word_start:]
        slash = word.rfind("/")
        colon = word.rfind(":")
        if "@" in word:
            return None  # a digest: nothing to complete
        if colon > slash:
            tag_start = logical.pos(line, word_start + colon + 1)
            if tag_start is None:
                return None
            ctx.where = Where.IMAGE_TAG
            ctx.image = word[:colon]
            ctx.prefix = word[colon + 1 :]
            ctx.start = tag_start
            ctx.end = _end(ctx.pos, logical.after, r"[A-Za-z0-9_.\-]*")
            return ctx
    begin = logical.pos(line, word_start)
    if begin is None:
        return None
    ctx.where = Where.ARGUMENT
    ctx.prefix = text[word_start:]
    ctx.start = begin
    # Nothing typed yet: the word after the cursor is another argument, not this one.
    ctx.end = _end(ctx.pos, logical.after, r"\S*") if ctx.prefix else ctx.pos
    return ctx


def _end(pos: Pos, after: str, pattern: str) -> Pos:
    m = re.compile(pattern).match(after)
    return Pos(pos.line, pos.col + (m.end() if m else 0))


def _flag_name(ctx: Context, logical: _Logical, typed: str, start: int) -> Context | None:
    begin = logical.pos(ctx.pos.line, start)
    if begin is None:
        return None
    ctx.where = Where.FLAG
    ctx.prefix = typed
    ctx.start = begin
    ctx.end = _end(ctx.pos, logical.after, r"[A-Za-z\-]*")
    return ctx


def _in_flag(ctx: Context, logical: _Logical, text: str, start: int, kind: str) -> Context | None:
    word = text[start:]
    eq = word.find("=")
    if eq < 0:
        return _flag_name(ctx, logical, word, start)
    name = word[2:eq]
    value_start = start + eq + 1
    ctx.flag = name
    if name == "mount" and kind == "RUN":
        return _in_mount(ctx, logical, text, value_start)
    if name in _EXPANDED_FLAGS.get(kind, ()):
        variable = _variable(ctx, logical, text, value_start, value_start, kind)
        if variable is not None:
            return variable
    if text[value_start : value_start + 1] in ('"', "'"):
        value_start += 1
    begin = logical.pos(ctx.pos.line, value_start)
    if begin is None:
        return None
    ctx.where = Where.FLAG_VALUE
    ctx.prefix = text[value_start:]
    ctx.start = begin
    ctx.end = _end(ctx.pos, logical.after, r"[^\s\"']*")
    return ctx


def _in_mount(ctx: Context, logical: _Logical, text: str, value_start: int) -> Context | None:
    line = ctx.pos.line
    if text[value_start : value_start + 1] in ('"', "'"):
        value_start += 1
    after_word = re.match(r"[^\s\"']*", logical.after)
    whole = text[value_start:] + (after_word.group() if after_word else "")
    cursor = len(text) - value_start
    fields = split_csv(whole, 0, len(whole))
    current = (cursor, cursor)
    for a, b in fields:
        if a <= cursor <= b:
            current = (a, b)
            break
    else:
        # Right after a comma: an empty field at the cursor.
        comma = whole.rfind(",", 0, cursor)
        current = (comma + 1, comma + 1) if comma >= 0 else (0, 0)
    mount: dict[str, str] = {}
    for a, b in fields:
        if (a, b) == current:
            continue
        key, _, value = whole[a:b].partition("=")
        key = key.strip().lower()
        mount[MOUNT_KEY_ALIASES.get(key, key)] = value.strip('"')
    ctx.mount = mount
    field_text = whole[current[0] : cursor]
    eq = field_text.find("=")
    if eq < 0:
        begin = logical.pos(line, value_start + current[0])
        if begin is None:
            return None
        ctx.where = Where.MOUNT_KEY
        ctx.prefix = field_text
        ctx.start = begin
        ctx.end = _end(ctx.pos, logical.after, r"[A-Za-z\-]*")
        return ctx
    key = field_text[:eq].strip().lower()
    ctx.key = MOUNT_KEY_ALIASES.get(key, key)
    start = value_start + current[0] + eq + 1
    if ctx.key != "from":
        variable = _variable(ctx, logical, text, start, start, "RUN")
        if variable is not None:
            return variable
    if text[start : start + 1] == '"':
        start += 1
    begin = logical.pos(line, start)
    if begin is None:
        return None
    ctx.where = Where.MOUNT_VALUE
    ctx.prefix = text[start:]
    ctx.start = begin
    ctx.end = _end(ctx.pos, logical.after, r"[^\s,\"']*")
    return ctx


# -- variables ----------------------------------------------------------------------------


def _variable(
    ctx: Context, logical: _Logical, text: str, args_start: int, word_start: int, kind: str
) -> Context | None:
    """A `$NAME` / `${NAME` being typed at the cursor, where the builder or shell expands it."""
    m = _VAR_TAIL.search(text, word_start)
    if m is None:
        return None
    shell = kind in _SHELL_KINDS and ctx.flag is None
    if kind not in _BUILDER_KINDS and kind not in _SHELL_KINDS and kind != "FROM":
        return None
    if kind == "FROM" and ctx.flag is None and ctx.index != 0:
        return None
    if shell and text[args_start : args_start + 1] == "[":
        return None  # exec form: no shell, no expansion
    if kind in ("ENV", "LABEL", "ARG") and ctx.flag is None:
        word = text[word_start : m.start()]
        if "=" not in word and (kind == "ARG" or ctx.index == 0):
            return None  # a name being declared, not a value
    escape = "\\" if shell else logical.escape
    if _escaped(text, m.start(), escape) or _single_quoted(text, args_start, m.start(), escape):
        return None
    name_start = m.start() + (2 if m.group(1) else 1)
    begin = logical.pos(ctx.pos.line, name_start)
    if begin is None:
        return None
    after = logical.after
    name_end = _NAME_CHARS.match(after).end()  # type: ignore[union-attr]
    ctx.where = Where.VARIABLE
    ctx.prefix = m.group(2) or ""
    ctx.start = begin
    ctx.end = Pos(ctx.pos.line, ctx.pos.col + name_end)
    ctx.braced = bool(m.group(1))
    ctx.closed = after[name_end : name_end + 1] == "}"
    ctx.builder = not shell
    return ctx


def _escaped(text: str, index: int, escape: str) -> bool:
    count = 0
    i = index - 1
    while i >= 0 and text[i] == escape:
        count += 1
        i -= 1
    return count % 2 == 1


def _single_quoted(text: str, start: int, end: int, escape: str) -> bool:
    quote = ""
    i = start
    while i < end:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
        elif ch == escape:
            i += 1
        elif ch == '"':
            quote = "" if quote == '"' else '"'
        elif ch == "'" and not quote:
            quote = "'"
        i += 1
    return quote == "'"
