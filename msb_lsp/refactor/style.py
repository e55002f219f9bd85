"""The file's own style, detected so that refactorings write text that looks like the rest.

What is detected: instruction keyword case, the casing of `AS`, line endings (CRLF or LF),
the indentation of FROM lines and of the other instructions, the separator after the
keyword (a space or a tab), how continued commands are
written (`cmd && \\` then an indented next command, or `cmd \\` then `&& next`), the escape
character, and whether stages are separated by a blank line.

Also here: `Refactoring`, what every refactoring returns (a title, an LSP-free kind and
`Edit`s), and `region_edit`, which turns "these lines become this text" into the smallest
edit, so that a refactoring that rewrites a stage does not touch the lines it keeps.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import FromInstruction
from msb_lsp.model.span import Pos, Span
from msb_lsp.rules.base import Edit

EXTRACT = "refactor.extract"
REWRITE = "refactor.rewrite"

_OPERATOR_FIRST = re.compile(r"^\s*(?:&&|\|\||;)")
_OPERATOR_LAST = re.compile(r"(?:&&|\|\||;)\s*$")


@dataclass(frozen=True, slots=True)
class Style:
    upper: bool = True  # instruction keywords in upper case
    as_upper: bool = True  # `AS` (or `as`) in FROM
    eol: str = "\n"
    indent: str = ""  # before instructions other than FROM
    from_indent: str = ""
    continuation_indent: str = "    "
    operator_first: bool = False  # `\` then `&& next` on the next line
    wraps: bool = False  # the file writes chained commands on several lines
    escape: str = "\\"
    blank_between_stages: bool = True
    sep: str = " "  # between the keyword and its arguments (some files use a tab)

    def keyword(self, kind: str) -> str:
        return kind.upper() if self.upper else kind.lower()

    @property
    def as_word(self) -> str:
        return "AS" if self.as_upper else "as"

    def line(self, kind: str, args: str) -> str:
        """One instruction on one line, indented like the file's instructions."""
        indent = self.from_indent if kind.upper() == "FROM" else self.indent
        return f"{indent}{self.keyword(kind)}{self.sep}{args}".rstrip()

    def from_line(self, image: str, name: str | None = None, flags: str = "") -> str:
        parts = [flags] if flags else []
        parts.append(image)
        if name:
            parts += [self.as_word, name]
        return self.from_indent + self.keyword("FROM") + self.sep + " ".join(parts)

    def run(self, commands: list[str], flags: str = "") -> list[str]:
        """A RUN of `commands` chained with `&&`: one line, or one command per line in the
        file's continuation style when the file writes its chains that way."""
        head = f"{self.indent}{self.keyword('RUN')}{self.sep}" + (f"{flags} " if flags else "")
        if len(commands) <= 1 or not self.wraps:
            return [head + " && ".join(commands)]
        cont = self.indent + self.continuation_indent
        out = []
        for i, cmd in enumerate(commands):
            last = i == len(commands) - 1
            if self.operator_first:
                text = (head + cmd) if i == 0 else f"{cont}&& {cmd}"
                out.append(text if last else f"{text} {self.escape}")
            else:
                text = (head + cmd) if i == 0 else f"{cont}{cmd}"
                out.append(text if last else f"{text} && {self.escape}")
        return out


def detect(df: Dockerfile) -> Style:
    """The style of `df`; the defaults (upper case, LF, no indentation) where it says
    nothing."""
    instrs = df.instructions
    lines = df.lines
    upper = sum(1 for i in instrs if not i.keyword.islower())
    lower = sum(1 for i in instrs if i.keyword.islower())
    is_upper = upper >= lower
    as_words = [
        i.as_keyword.text for i in instrs if isinstance(i, FromInstruction) and i.as_keyword
    ]
    if as_words:
        as_upper = Counter(not w.islower() for w in as_words).most_common(1)[0][0]
    else:
        froms = [i.keyword for i in instrs if i.kind == "FROM"]
        as_upper = not froms[0].islower() if froms else is_upper

    def indent_of(line: int, col: int) -> str:
        text = lines[line][:col]
        return text.lstrip("\ufeff") if text.strip("\ufeff \t") == "" else ""

    from_indents = Counter(
        indent_of(i.start_line, i.span.start.col) for i in instrs if i.kind == "FROM"
    )
    other_indents = Counter(
        indent_of(i.start_line, i.span.start.col) for i in instrs if i.kind != "FROM"
    )
    from_indent = from_indents.most_common(1)[0][0] if from_indents else ""
    indent = other_indents.most_common(1)[0][0] if other_indents else from_indent

    cont_indents: Counter[str] = Counter()
    first = last = 0
    wraps = False
    for instr in instrs:
        if instr.kind != "RUN" or instr.heredocs:
            continue
        for line in instr.continuation_lines:
            nxt = line + 1
            if nxt > instr.end_line or nxt >= len(lines):
                continue
            text = lines[line].rstrip()
            body = text[: -len(df.escape)] if text.endswith(df.escape) else text
            following = lines[nxt]
            if not following.strip() or following.lstrip().startswith("#"):
                continue
            wraps = True
            own = indent_of(instr.start_line, instr.span.start.col)
            lead = following[: len(following) - len(following.lstrip())]
            cont_indents[lead[len(own) :] if lead.startswith(own) else lead] += 1
            if _OPERATOR_FIRST.match(following):
                first += 1
            elif _OPERATOR_LAST.search(body):
                last += 1
    continuation = cont_indents.most_common(1)[0][0] if cont_indents else "    "
    if not continuation:
        continuation = "    "

    blank = True
    stages = df.stages
    if len(stages) > 1:
        with_blank = 0
        for stage in stages[1:]:
            above = stage.from_.start_line - 1
            while above >= 0 and lines[above].lstrip().startswith("#"):
                above -= 1
            if above >= 0 and not lines[above].strip():
                with_blank += 1
        blank = with_blank * 2 >= len(stages) - 1
    seps: Counter[str] = Counter()
    for instr in instrs:
        line = lines[instr.keyword_span.end.line]
        gap = line[instr.keyword_span.end.col : instr.keyword_span.end.col + 1]
        if gap in (" ", "\t"):
            seps[gap] += 1
    return Style(
        sep=seps.most_common(1)[0][0] if seps else " ",
        upper=is_upper,
        as_upper=as_upper,
        eol=df.source.eol,
        indent=indent,
        from_indent=from_indent,
        continuation_indent=continuation,
        operator_first=first > last,
        wraps=wraps,
        escape=df.escape,
        blank_between_stages=blank,
    )


# -- what a refactoring returns ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A value the user should choose (a path to copy): `default` is written when the editor
    cannot take snippets; `index` numbers the tab stop."""

    index: int
    default: str


@dataclass(frozen=True, slots=True)
class Refactoring:
    """A refactoring ready to apply: `edits` are plain text and always leave a valid file.

    `snippet_edits` is the variant with tab stops for editors that accept snippets in
    workspace edits, titled `snippet_title`: the same number of edits in the same order,
    where an edit whose text differs from its plain twin is a snippet (escaped). `rules`
    names the findings the refactoring resolves, so the editor can show it next to them.
    """

    title: str
    kind: str
    edits: tuple[Edit, ...]
    snippet_edits: tuple[Edit, ...] | None = None
    snippet_title: str | None = None
    rules: tuple[str, ...] = ()
    data: dict[str, object] = field(default_factory=dict)


# Placeholders travel through the generated text as markers, then become the default value
# (plain edits) or `${n:default}` (snippets, where the rest of the text is escaped).
_MARK = re.compile("\x00(\\d+)\x01([^\x00\x01]*)\x00")


def placeholder(index: int, default: str) -> str:
    return f"\x00{index}\x01{default}\x00"


def plain(text: str) -> str:
    return _MARK.sub(lambda m: m.group(2), text)


def has_placeholders(text: str) -> bool:
    return _MARK.search(text) is not None


def snippet(text: str) -> str:
    """The text as an LSP snippet: `$`, `}` and `\\` escaped, markers as tab stops."""
    out = []
    pos = 0
    for m in _MARK.finditer(text):
        out.append(_escape_snippet(text[pos : m.start()]))
        out.append(f"${{{m.group(1)}:{_escape_snippet(m.group(2))}}}")
        pos = m.end()
    out.append(_escape_snippet(text[pos:]))
    return "".join(out)


def _escape_snippet(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def region_edit(df: Dockerfile, first_line: int, last_line: int, new_lines: list[str]) -> Edit:
    """The edit that turns lines `first_line..last_line` (their text, not the line break
    after the last one) into `new_lines`, trimmed to the lines that actually change."""
    old = df.lines[first_line : last_line + 1]
    new = list(new_lines)
    start = 0
    while start < len(old) - 1 and start < len(new) - 1 and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old - 1 > start and end_new - 1 > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    eol = df.source.eol
    a = first_line + start
    b = first_line + end_old - 1
    span = Span(Pos(a, 0), Pos(b, len(df.lines[b])))
    return Edit(span, eol.join(new[start:end_new]))


def insert_lines_edit(df: Dockerfile, before_line: int, new_lines: list[str]) -> Edit:
    """Insert whole lines before line `before_line` (at the end of the file when it is past
    the last line)."""
    eol = df.source.eol
    if before_line >= len(df.lines):
        end = df.source.end()
        prefix = eol if df.lines[-1] else ""
        return Edit(Span(end, end), prefix + eol.join(new_lines))
    at = Pos(before_line, 0)
    return Edit(Span(at, at), eol.join(new_lines) + eol)


def whole_text_edit(df: Dockerfile, new_text: str) -> Edit:
    """The smallest whole-lines edit that turns the document into `new_text`."""
    return region_edit(df, 0, len(df.lines) - 1, re.split(r"\r\n|\r|\n", new_text))


def comments_above(df: Dockerfile, line: int) -> int:
    """The first line of the comment block directly above `line` (parser directives are
    not comments of the instruction below them); `line` itself when there is none."""
    directives = {d.span.start.line for d in df.directives}
    top = line
    while top > 0 and df.lines[top - 1].lstrip().startswith("#") and top - 1 not in directives:
        top -= 1
    return top
