"""The navigation index of a Dockerfile: every stage and variable, with each place it is
written, whether that place defines it (write) or uses it (read), and where a jump from there
lands.

Stages follow BuildKit's resolution as the model records it (`StageRef.status`):
- `COPY --from` and `RUN --mount ...,from=` name a stage case-insensitively; a reference to a
  later stage or to the current one still names that stage (BuildKit then refuses the order),
  so it belongs to the stage's references.
- `COPY --from=<n>` names stage n by index: a reference, but not a spelling of the name.
- `FROM <name>` names a stage only when an earlier stage has exactly that lower-case name; a
  `FROM Build` (pulls an image) or a `FROM` of a later stage is not a reference.

Variables follow the scope rules of `msb_lsp.model.variables`: global ARGs are seen by FROM
lines and global ARG defaults; a stage sees its own ARG/ENV from the next instruction on and
those of the stages it is built `FROM`; `ARG NAME` without a value in a stage redeclares the
global ARG of that name. `CMD`, `ENTRYPOINT` and `HEALTHCHECK` commands run in the container,
which has the ENV but not the ARGs. Definitions of one name that shadow each other along a
stage chain, and redeclarations of a global ARG, form one variable, so that a rename keeps the
build meaning the same thing.

Built once per document version; lookups by position are a dict access and a short scan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from enum import Enum

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import (
    Instruction,
    KeyValueInstruction,
    OnbuildInstruction,
)
from msb_lsp.model.source import Source
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import RefKind, RefStatus, Stage, StageRef
from msb_lsp.model.variables import ScopeTree
from msb_lsp.model.varrefs import find_vars

# Commands the container runs: they see ENV, not ARG.
RUNTIME_KINDS = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SymbolKind(str, Enum):
    STAGE = "stage"
    VARIABLE = "variable"


class OccurrenceKind(str, Enum):
    STAGE_NAME = "stage-name"  # `AS name`
    COPY_FROM = "copy-from"  # COPY/ADD --from=name
    COPY_INDEX = "copy-index"  # COPY/ADD --from=<n>
    MOUNT_FROM = "mount-from"  # RUN --mount=...,from=name
    FROM_BASE = "from-base"  # FROM name
    ARG = "arg"  # ARG key (in a stage)
    GLOBAL_ARG = "global-arg"  # ARG key before the first FROM
    REDECLARE = "redeclare"  # `ARG NAME` in a stage, inheriting the global ARG
    ENV = "env"  # ENV key
    USE = "use"  # $NAME / ${NAME}


_REF_KINDS = {
    RefKind.COPY: OccurrenceKind.COPY_FROM,
    RefKind.MOUNT: OccurrenceKind.MOUNT_FROM,
    RefKind.FROM: OccurrenceKind.FROM_BASE,
}


@dataclass(slots=True, eq=False)
class Occurrence:
    """One place a stage or variable is written."""

    span: Span
    symbol: NavSymbol
    kind: OccurrenceKind
    write: bool  # a definition (`AS name`, ARG/ENV key) rather than a use
    target: Span  # where go-to-definition from here lands
    literal: bool  # the span's text is the name itself, so a rename rewrites it
    instruction: Instruction | None = None
    ref: StageRef | None = None


@dataclass(slots=True, eq=False)
class NavSymbol:
    kind: SymbolKind
    name: str  # a stage's label (name or index), or a variable's name
    anchor: Span  # the definition: `AS name`, a FROM keyword, or the first ARG/ENV key
    stage: Stage | None = None  # for stages
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def definitions(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.write]

    @property
    def uses(self) -> list[Occurrence]:
        return [o for o in self.occurrences if not o.write]


@dataclass(slots=True, eq=False)
class VarUse:
    """A variable reference, resolved or not (rename collision checks need both)."""

    name: str
    span: Span  # the name only
    instruction: Instruction
    stage: Stage | None


def stage_anchor(stage: Stage) -> Span:
    """Where a stage is defined: its `AS` name, or the FROM keyword of an unnamed stage."""
    word = stage.name_word
    return word.span if word is not None else stage.from_.keyword_span


def binds(ref: StageRef) -> bool:
    """Does BuildKit take this reference as naming `ref.target` (even if it then refuses it)?"""
    if ref.target is None:
        return False
    if ref.kind == RefKind.FROM:
        return ref.status == RefStatus.STAGE
    return ref.status in (RefStatus.STAGE, RefStatus.INDEX, RefStatus.FORWARD, RefStatus.SELF)


def inner_span(source: Source, span: Span) -> Span:
    """The span without the quotes around it, when the value is quoted on one line."""
    if span.start.line != span.end.line or span.end.col - span.start.col < 2:
        return span
    text = source.text_at(span)
    if text[0] == text[-1] and text[0] in "\"'":
        return Span.on_line(span.start.line, span.start.col + 1, span.end.col - 1)
    return span


def heredoc_variables(df: Dockerfile, instr: Instruction) -> list[tuple[str, Span]]:
    """`$NAME` in heredoc bodies: RUN scripts (the shell sees ARG and ENV), and COPY/ADD
    bodies whose delimiter is unquoted (the builder expands them)."""
    found: list[tuple[str, Span]] = []
    if not instr.heredocs or instr.json:
        return found
    if instr.kind == "RUN":
        escape = "\\"
    elif instr.kind in ("COPY", "ADD"):
        escape = df.escape
    else:
        return found
    lines = df.source.lines
    for doc in instr.heredocs:
        if instr.kind != "RUN" and doc.quoted:
            continue
        for line in doc.body_lines:
            text = lines[line]
            for v in find_vars(text, escape):
                found.append((v.name, Span.on_line(line, v.name_start, v.name_end)))
    return found


class _Defs:
    """Variable definitions with union-find over the ones that must be renamed together."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.name: list[str] = []
        self.kind: list[OccurrenceKind] = []
        self.span: list[Span] = []
        self.instr: list[Instruction] = []
        self.target: list[Span] = []

    def add(self, name: str, kind: OccurrenceKind, span: Span, instr: Instruction) -> int:
        i = len(self.parent)
        self.parent.append(i)
        self.name.append(name)
        self.kind.append(kind)
        self.span.append(span)
        self.instr.append(instr)
        self.target.append(span)
        return i

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The earlier definition stays the root, so it is the symbol's anchor.
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


class NavIndex:
    """Stages and variables of one parsed Dockerfile, indexed by position."""

    def __init__(self, df: Dockerfile) -> None:
        self.df = df
        self.symbols: list[NavSymbol] = []
        self.stage_symbols: dict[int, NavSymbol] = {}
        self.var_uses: list[VarUse] = []  # every variable reference, resolved or not
        self._by_line: dict[int, list[Occurrence]] = {}
        self._build_stages()
        self._build_variables()

    # -- lookups -----------------------------------------------------------------------

    def at(self, pos: Pos) -> Occurrence | None:
        """The occurrence under the cursor; one that starts at `pos` wins over one that ends
        there (`$A$B` with the cursor between the two)."""
        best: Occurrence | None = None
        for occ in self._by_line.get(pos.line, ()):
            if occ.span.start <= pos < occ.span.end:
                return occ
            if occ.span.end == pos and best is None:
                best = occ
        return best

    def stage_symbol(self, stage: Stage) -> NavSymbol:
        return self.stage_symbols[stage.index]

    def variable_symbols(self) -> list[NavSymbol]:
        return [s for s in self.symbols if s.kind == SymbolKind.VARIABLE]

    def _add(self, occ: Occurrence) -> None:
        occ.symbol.occurrences.append(occ)
        for line in range(occ.span.start.line, occ.span.end.line + 1):
            self._by_line.setdefault(line, []).append(occ)

    # -- stages --------------------------------------------------------------------------

    def _build_stages(self) -> None:
        source = self.df.source
        for stage in self.df.stages:
            symbol = NavSymbol(SymbolKind.STAGE, stage.label, stage_anchor(stage), stage=stage)
            self.symbols.append(symbol)
            self.stage_symbols[stage.index] = symbol
            word = stage.name_word
            if word is not None:
                self._add(
                    Occurrence(
                        word.span,
                        symbol,
                        OccurrenceKind.STAGE_NAME,
                        write=True,
                        target=word.span,
                        literal=source.text_at(word.span) == word.text,
                        instruction=stage.from_,
                    )
                )
        for ref in self.df.refs:
            if not binds(ref):
                continue
            assert ref.target is not None
            symbol = self.stage_symbols[ref.target.index]
            span = inner_span(source, ref.span)
            if ref.status == RefStatus.INDEX:
                kind, literal = OccurrenceKind.COPY_INDEX, False
            else:
                kind = _REF_KINDS[ref.kind]
                literal = "$" not in (text := source.text_at(span)) and text.lower() == (
                    ref.target.name or ""
                )
            self._add(
                Occurrence(
                    span,
                    symbol,
                    kind,
                    write=False,
                    target=symbol.anchor,
                    literal=literal,
                    instruction=ref.instruction,
                    ref=ref,
                )
            )

    # -- variables -------------------------------------------------------------------------

    def _build_variables(self) -> None:
        df = self.df
        defs = _Defs()
        uses: list[tuple[Span, int, Instruction]] = []  # (name span, definition, instruction)

        def use(name: str, span: Span, instr: Instruction, scope: Mapping[str, int]) -> None:
            self.var_uses.append(VarUse(name, span, instr, instr.stage))
            d = scope.get(name)
            if d is None:
                return
            if instr.kind in RUNTIME_KINDS and defs.kind[d] != OccurrenceKind.ENV:
                return  # the container never sees build arguments
            uses.append((span, d, instr))

        def uses_in(instr: Instruction, scope: Mapping[str, int]) -> None:
            for v in instr.variables:
                use(v.name, v.name_span, instr, scope)

        def declare_args(
            instr: KeyValueInstruction,
            scope: MutableMapping[str, int],
            kind: OccurrenceKind,
            globals_: dict[str, int] | None,
        ) -> None:
            """ARG pairs in order: a default sees the pairs before it; an ARG does not replace
            an ENV of the same name (ENV wins), but is linked to it."""
            # One walk over the variables (in source order) for all pairs: an ARG with
            # thousands of pairs stays linear.
            variables = sorted(instr.variables, key=lambda v: v.span.start)
            next_var = 0
            for pair in instr.pairs:
                while (
                    next_var < len(variables) and variables[next_var].span.start < pair.span.start
                ):
                    next_var += 1
                while next_var < len(variables) and pair.span.contains_span(
                    variables[next_var].span
                ):
                    v = variables[next_var]
                    use(v.name, v.name_span, instr, scope)
                    next_var += 1
                name = pair.key.value
                redeclared = None
                if globals_ is not None and pair.value is None:
                    redeclared = globals_.get(name)
                d = defs.add(
                    name,
                    OccurrenceKind.REDECLARE if redeclared is not None else kind,
                    pair.key.span,
                    instr,
                )
                if redeclared is not None:
                    defs.target[d] = defs.span[redeclared]
                    defs.union(d, redeclared)
                previous = scope.get(name)
                if previous is not None:
                    defs.union(d, previous)
                    if defs.kind[previous] == OccurrenceKind.ENV:
                        continue
                scope[name] = d

        # Global ARGs: each pair sees the ones declared before it.
        globals_: dict[str, int] = {}
        for instr in df.global_args:
            declare_args(instr, globals_, OccurrenceKind.GLOBAL_ARG, None)
        # Each stage starts from what its base stage ended with; chains share one history (a
        # copy per stage would be quadratic in a chain of thousands of stages).
        tree: ScopeTree[int] = ScopeTree(df)
        for stage in df.stages:
            history = tree.open(stage)
            scope = history.live()
            for instr in stage.instructions:
                if instr is stage.from_:
                    uses_in(instr, globals_)
                elif isinstance(instr, OnbuildInstruction):
                    continue  # triggers run in a downstream build
                elif isinstance(instr, KeyValueInstruction) and instr.kind == "ARG":
                    declare_args(instr, scope, OccurrenceKind.ARG, globals_)
                elif isinstance(instr, KeyValueInstruction) and instr.kind == "ENV":
                    uses_in(instr, scope)  # every pair sees the values from before the ENV
                    for pair in instr.pairs:
                        d = defs.add(pair.key.value, OccurrenceKind.ENV, pair.key.span, instr)
                        previous = scope.get(pair.key.value)
                        if previous is not None:
                            defs.union(d, previous)
                        scope[pair.key.value] = d
                else:
                    uses_in(instr, scope)
                    for name, span in heredoc_variables(df, instr):
                        use(name, span, instr, scope)
            history.end += 1
            tree.close(stage, history)

        symbols: dict[int, NavSymbol] = {}
        for i in range(len(defs.parent)):
            root = defs.find(i)
            symbol = symbols.get(root)
            if symbol is None:
                symbol = symbols[root] = NavSymbol(
                    SymbolKind.VARIABLE, defs.name[root], defs.span[root]
                )
                self.symbols.append(symbol)
            self._add(
                Occurrence(
                    defs.span[i],
                    symbol,
                    defs.kind[i],
                    write=True,
                    target=defs.target[i],
                    literal=VARIABLE_NAME.fullmatch(df.source.text_at(defs.span[i])) is not None,
                    instruction=defs.instr[i],
                )
            )
        for span, d, instr in uses:
            self._add(
                Occurrence(
                    span,
                    symbols[defs.find(d)],
                    OccurrenceKind.USE,
                    write=False,
                    target=defs.span[d],
                    literal=True,
                    instruction=instr,
                )
            )
