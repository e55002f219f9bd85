"""The document outline (stages containing their instructions) and folding ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Instruction, KeyValueInstruction
from msb_lsp.model.span import Span

DETAIL_MAX = 60
_SPACES = re.compile(r"\s+")


class NodeKind(str, Enum):
    STAGE = "stage"
    INSTRUCTION = "instruction"
    VARIABLE = "variable"  # an ARG or ENV key
    LABEL = "label"  # a LABEL key


@dataclass(slots=True, eq=False)
class OutlineNode:
    name: str
    kind: NodeKind
    span: Span  # everything the node covers
    selection: Span  # what to highlight when it is picked (inside `span`)
    detail: str = ""
    children: list[OutlineNode] = field(default_factory=list)


def _abbreviate(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


def _instruction_node(instr: Instruction) -> OutlineNode:
    node = OutlineNode(
        name=instr.kind,
        kind=NodeKind.INSTRUCTION,
        span=instr.span,
        selection=instr.keyword_span,
        detail=_abbreviate(" ".join([*(f.raw for f in instr.flags), instr.args_text])),
    )
    if isinstance(instr, KeyValueInstruction):
        kind = NodeKind.LABEL if instr.kind == "LABEL" else NodeKind.VARIABLE
        for pair in instr.pairs:
            if not pair.key.value or not instr.span.contains_span(pair.span):
                continue
            node.children.append(
                OutlineNode(
                    name=pair.key.value,
                    kind=kind,
                    span=pair.span,
                    selection=pair.key.span,
                    detail=_abbreviate(pair.value.value) if pair.value is not None else "",
                )
            )
    return node


def outline(df: Dockerfile) -> list[OutlineNode]:
    """Global ARGs (and anything else before the first FROM) at the top level, then one node
    per stage (its name or `stage <n>`, with the base image as detail) holding the stage's
    instructions."""
    nodes: list[OutlineNode] = []
    stages = {id(stage.from_): stage for stage in df.stages}
    current: OutlineNode | None = None
    for instr in df.instructions:
        stage = stages.get(id(instr))
        if stage is not None:
            word = stage.name_word
            current = OutlineNode(
                name=word.text if word is not None else f"stage {stage.index}",
                kind=NodeKind.STAGE,
                span=stage.span,
                selection=word.span if word is not None else instr.keyword_span,
                detail=stage.base_text,
            )
            nodes.append(current)
        elif current is not None:
            current.children.append(_instruction_node(instr))
        else:
            nodes.append(_instruction_node(instr))
    return nodes


class FoldKind(str, Enum):
    REGION = "region"
    COMMENT = "comment"


@dataclass(frozen=True, slots=True)
class Fold:
    start_line: int
    end_line: int
    kind: FoldKind


def folding_ranges(df: Dockerfile) -> list[Fold]:
    """Stages, instructions over several lines (continuations, heredocs), heredoc bodies and
    blocks of two or more comment lines. One fold per start line: the largest wins."""
    folds: dict[int, Fold] = {}

    def add(start: int, end: int, kind: FoldKind) -> None:
        if end <= start:
            return
        previous = folds.get(start)
        if previous is None or previous.end_line < end:
            folds[start] = Fold(start, end, kind)

    for stage in df.stages:
        add(stage.from_.start_line, stage.end_line, FoldKind.REGION)
    for instr in df.walk():
        add(instr.start_line, instr.end_line, FoldKind.REGION)
        for doc in instr.heredocs:
            end = doc.terminator_span.start.line if doc.terminator_span else instr.end_line
            add(doc.marker_span.start.line, end, FoldKind.REGION)
    inside = {
        line
        for instr in df.instructions
        if instr.end_line > instr.start_line
        for line in range(instr.start_line + 1, instr.end_line + 1)
    }
    block_start = block_end = -2
    for comment in df.comments:
        line = comment.span.start.line
        if line == block_end + 1 and line not in inside and block_end not in inside:
            block_end = line
            continue
        add(block_start, block_end, FoldKind.COMMENT)
        block_start = block_end = line
    add(block_start, block_end, FoldKind.COMMENT)
    return sorted(folds.values(), key=lambda f: f.start_line)
