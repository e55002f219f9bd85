"""An EXPOSE protocol not in lower case (BuildKit's ExposeProtoCasing)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from msb_lsp.model.nodes import Instruction, Word
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.variables import Scope, expand
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class PortSpec:
    """One EXPOSE word as BuildKit reads it: `[ip:][host:]container[/proto]`."""

    raw: str  # after variable expansion
    word: Word
    literal: bool  # `raw` is the word as written, so offsets into it are file columns

    @property
    def parts(self) -> tuple[str, str, str]:
        """BuildKit's `splitParts`: (ip, host port, container port with protocol)."""
        parts = self.raw.split(":")
        if len(parts) == 1:
            return "", "", parts[0]
        if len(parts) == 2:
            return "", parts[0], parts[1]
        return ":".join(parts[:-2]), parts[-2], parts[-1]

    @property
    def container(self) -> str:
        return self.parts[2]

    @property
    def container_offset(self) -> int:
        return len(self.raw) - len(self.container)


def port_specs(ctx: RuleContext) -> Iterator[tuple[Instruction, PortSpec]]:
    """The port words of every EXPOSE of a stage, variables expanded where they can be."""
    for stage in ctx.df.stages:
        for instr, scope in ctx.stage_scopes(stage):
            if instr.kind != "EXPOSE":
                continue
            for word in instr.args:
                spec = _spec(ctx, word, scope)
                if spec is not None:
                    for raw in spec:
                        yield instr, raw


def _spec(ctx: RuleContext, word: Word, scope: Scope) -> list[PortSpec] | None:
    if "$" not in word.text and '"' not in word.text and "'" not in word.text:
        return [PortSpec(word.text, word, literal=True)]
    expanded = expand(word.text, scope, ctx.df.escape)
    if not expanded.complete:
        return None
    text = expanded.text.replace('"', "").replace("'", "")
    return [PortSpec(raw, word, literal=False) for raw in text.split()]


@rule(
    code="MSB317",
    name="uppercase-expose-protocol",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="An EXPOSE protocol written in upper or mixed case, such as `53/UDP`",
    buildkit="ExposeProtoCasing",
    fixable=True,
)
def uppercase_expose_protocol(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags the protocol of an `EXPOSE` port when it is not all lower-case: `53/UDP`,
    `8080/Tcp`.

    ## Why is this bad?
    BuildKit lower-cases it, so the image is the same, but other tools that read the
    Dockerfile compare protocols literally, and the form is deprecated.

    ## Example
    ```dockerfile
    FROM alpine
    EXPOSE 53/UDP
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    EXPOSE 53/udp
    ```

    ## Fix
    Lower-cases the protocol (for ports written without variables).
    """
    for _, spec in port_specs(ctx):
        container = spec.container
        port, slash, proto = container.partition("/")
        if not slash or not port or proto == proto.lower():
            continue
        message = f"Defined protocol '{spec.raw}' in EXPOSE instruction should be lowercase"
        if not spec.literal:
            yield Violation(spec.word.span, message)
            continue
        start = spec.word.span.start
        col = start.col + spec.container_offset + len(port) + 1
        span = Span(Pos(start.line, col), Pos(start.line, col + len(proto)))
        if span.end.col > spec.word.span.end.col or start.line != spec.word.span.end.line:
            span = spec.word.span  # a word broken over lines: keep it whole
            yield Violation(span, message)
            continue
        yield Violation(
            span, message, fix=Fix(f"Write `{proto.lower()}`", (Edit(span, proto.lower()),))
        )
