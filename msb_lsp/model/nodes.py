"""The Dockerfile syntax tree. Every node keeps the exact span of each of its parts.

Nodes are plain mutable dataclasses built once per document version by the parser and then
only read; `stages.py` links instructions to their stage after parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from msb_lsp.model.span import Pos, Span

if TYPE_CHECKING:
    from msb_lsp.images.reference import ImageRef
    from msb_lsp.model.stages import Stage


@dataclass(slots=True, eq=False)
class Word:
    """A piece of an instruction as written (`text`, quotes kept) with its span.

    `value` is the text after BuildKit's unquoting where that applies (flag values, ENV
    values, stage names); it equals `text` when nothing was unquoted.
    """

    text: str
    span: Span
    value: str


@dataclass(slots=True, eq=False)
class VarRef:
    """A variable reference: `$NAME`, `${NAME}` or `${NAME<modifier><word>}`."""

    name: str
    span: Span
    name_span: Span
    braced: bool
    modifier: str | None = None
    modifier_span: Span | None = None
    word_span: Span | None = None
    # False in RUN/CMD/ENTRYPOINT command text: the shell expands those, not the builder.
    builder_expanded: bool = True
    # The logical line's text and the word's offsets in it; `word` is cut on demand (a copy
    # per reference would cost O(n²) memory for `${A:-${A:-...}}` nested n deep).
    line_text: str = ""
    word_offsets: tuple[int, int] | None = None

    @property
    def word(self) -> str | None:
        """The modifier's word as written (`x` in `${V:-x}`), or None."""
        if self.word_offsets is None:
            return None
        start, end = self.word_offsets
        return self.line_text[start:end]


@dataclass(slots=True, eq=False)
class MountOption:
    """One `key=value` (or bare `key`) of a `RUN --mount=` value."""

    key: str
    key_span: Span
    value: str | None
    value_span: Span | None
    span: Span


@dataclass(slots=True, eq=False)
class Flag:
    """`--name[=value]` before an instruction's arguments."""

    name: str
    name_span: Span  # covers the leading dashes: `--from`
    value: str | None  # None for a bare boolean flag
    value_span: Span | None
    span: Span
    raw: str  # the flag word as written, e.g. `--from=builder`
    options: list[MountOption] = field(default_factory=list)  # filled for --mount

    def option(self, *keys: str) -> MountOption | None:
        for opt in self.options:
            if opt.key.lower() in keys:
                return opt
        return None


@dataclass(slots=True, eq=False)
class KeyValue:
    """A pair of ENV, LABEL or ARG. `value` is None for `ARG NAME` without a default."""

    key: Word
    value: Word | None
    separator: str  # "=" or "" for the legacy `ENV key value` form
    span: Span


@dataclass(slots=True, eq=False)
class Heredoc:
    """A here-document: `<<[-]NAME` in the instruction line, its body and its terminator."""

    name: str
    marker_span: Span  # the `<<EOF` word
    name_span: Span
    chomp: bool  # `<<-` strips leading tabs
    quoted: bool  # quoted names disable expansion in the body
    fd: int | None
    body: str
    body_span: Span | None  # None for an empty body
    terminator_span: Span | None  # None when unterminated
    body_lines: list[int] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Comment:
    text: str  # after `#`, stripped
    span: Span


@dataclass(slots=True, eq=False)
class Directive:
    """A parser directive at the top of the file: `# syntax=`, `# escape=`, `# check=`."""

    name: str  # lower-cased key
    value: str
    span: Span
    name_span: Span
    value_span: Span


@dataclass(slots=True, eq=False)
class Instruction:
    keyword: str  # as written
    kind: str  # upper-cased keyword: FROM, RUN, ...
    span: Span
    keyword_span: Span
    start_line: int
    end_line: int  # last line, including continuations and heredoc terminators
    flags: list[Flag] = field(default_factory=list)
    args_text: str = ""  # the arguments after the flags, continuations joined, trimmed
    args_span: Span | None = None
    args: list[Word] = field(default_factory=list)
    json: bool = False  # exec form
    heredocs: list[Heredoc] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # comment lines directly above
    variables: list[VarRef] = field(default_factory=list)
    empty_continuation_lines: list[int] = field(default_factory=list)
    continuation_lines: list[int] = field(default_factory=list)  # lines ending with escape
    stage: Stage | None = None
    parent: Instruction | None = None  # the ONBUILD that wraps this instruction
    # What parsing this instruction added to the document (kept so a later version that
    # reuses the instruction unchanged can add them again without re-parsing).
    inner_comments: list[Comment] = field(default_factory=list)
    syntax_problems: list[Problem] = field(default_factory=list)
    # BuildKit's instruction-level errors for this instruction alone (validate.py), kept
    # with it for the same reason; None until validated.
    instruction_problems: list[Problem] | None = None

    def flag(self, name: str) -> Flag | None:
        """The last flag of that name (BuildKit uses the last one of a repeated flag)."""
        found = None
        for f in self.flags:
            if f.name == name:
                found = f
        return found

    def flags_named(self, name: str) -> list[Flag]:
        return [f for f in self.flags if f.name == name]

    @property
    def lines(self) -> range:
        return range(self.start_line, self.end_line + 1)


@dataclass(slots=True, eq=False)
class ImageParts:
    """The parts of a FROM image as written, each with its span (None when not written)."""

    ref: ImageRef
    registry_span: Span | None
    name_span: Span
    tag_span: Span | None
    digest_span: Span | None


@dataclass(slots=True, eq=False)
class FromInstruction(Instruction):
    image: Word | None = None
    as_keyword: Word | None = None
    stage_name: Word | None = None  # `value` is the lower-cased name BuildKit uses

    @property
    def platform(self) -> Flag | None:
        return self.flag("platform")

    def image_parts(self) -> ImageParts | None:
        """Registry, repository, tag and digest spans of the image, as written.

        None when the image does not parse as a reference (variables, typos) or is split
        across continuation lines.
        """
        from msb_lsp.images.reference import parse_image_ref

        word = self.image
        if word is None or word.span.start.line != word.span.end.line:
            return None
        ref = parse_image_ref(word.text)
        if ref is None:
            return None
        line, col = word.span.start.line, word.span.start.col

        def span(r: tuple[int, int] | None) -> Span | None:
            return None if r is None else Span.on_line(line, col + r[0], col + r[1])

        name = span(ref.name_range)
        assert name is not None
        return ImageParts(
            ref, span(ref.registry_range), name, span(ref.tag_range), span(ref.digest_range)
        )


@dataclass(slots=True, eq=False)
class CopyInstruction(Instruction):
    """COPY and ADD: sources and destination (the last argument)."""

    @property
    def sources(self) -> list[Word]:
        return self.args[:-1]

    @property
    def destination(self) -> Word | None:
        return self.args[-1] if self.args else None

    @property
    def from_flag(self) -> Flag | None:
        return self.flag("from")


@dataclass(slots=True, eq=False)
class RunInstruction(Instruction):
    @property
    def mounts(self) -> list[Flag]:
        return self.flags_named("mount")


@dataclass(slots=True, eq=False)
class KeyValueInstruction(Instruction):
    """ENV, LABEL and ARG."""

    pairs: list[KeyValue] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class HealthcheckInstruction(Instruction):
    check_type: Word | None = None  # CMD or NONE


@dataclass(slots=True, eq=False)
class OnbuildInstruction(Instruction):
    trigger: Instruction | None = None


@dataclass(slots=True, eq=False)
class Problem:
    """A syntax or parse-time error (or warning) found while parsing, with BuildKit's wording."""

    code: str  # a stable kebab-case identifier, e.g. "unterminated-heredoc"
    message: str
    span: Span
    severity: str = "error"
    data: dict[str, object] | None = None


def span_union(a: Span, b: Span) -> Span:
    return Span(min(a.start, b.start), max(a.end, b.end))


ZERO = Pos(0, 0)
