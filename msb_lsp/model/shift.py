"""Moving a parsed instruction up or down by whole lines, in place.

Incremental parsing reuses the instructions below an edit that added or removed lines: their
text is unchanged, only their line numbers moved. Shifting their spans costs a fraction of
parsing them again.
"""

from __future__ import annotations

from msb_lsp.model.nodes import (
    FromInstruction,
    HealthcheckInstruction,
    Instruction,
    KeyValueInstruction,
    OnbuildInstruction,
    Word,
)
from msb_lsp.model.span import Pos, Span

_new = tuple.__new__


def _span(span: Span, d: int) -> Span:
    start, end = span
    return _new(Span, (_new(Pos, (start[0] + d, start[1])), _new(Pos, (end[0] + d, end[1]))))


def _opt(span: Span | None, d: int) -> Span | None:
    return None if span is None else _span(span, d)


def shift_instruction(instr: Instruction, d: int) -> None:
    """Move `instr` (and everything in it) by `d` lines."""
    if d == 0:
        return
    seen: set[int] = set()

    def word(w: Word | None) -> None:
        if w is not None and id(w) not in seen:
            seen.add(id(w))
            w.span = _span(w.span, d)

    instr.span = _span(instr.span, d)
    instr.keyword_span = _span(instr.keyword_span, d)
    instr.args_span = _opt(instr.args_span, d)
    instr.start_line += d
    instr.end_line += d
    if instr.empty_continuation_lines:
        instr.empty_continuation_lines = [line + d for line in instr.empty_continuation_lines]
    if instr.continuation_lines:
        instr.continuation_lines = [line + d for line in instr.continuation_lines]
    for flag in instr.flags:
        flag.span = _span(flag.span, d)
        flag.name_span = _span(flag.name_span, d)
        flag.value_span = _opt(flag.value_span, d)
        for opt in flag.options:
            opt.span = _span(opt.span, d)
            opt.key_span = _span(opt.key_span, d)
            opt.value_span = _opt(opt.value_span, d)
    for w in instr.args:
        word(w)
    for doc in instr.heredocs:
        doc.marker_span = _span(doc.marker_span, d)
        doc.name_span = _span(doc.name_span, d)
        doc.body_span = _opt(doc.body_span, d)
        doc.terminator_span = _opt(doc.terminator_span, d)
        doc.body_lines = [line + d for line in doc.body_lines]
    for var in instr.variables:
        var.span = _span(var.span, d)
        var.name_span = _span(var.name_span, d)
        var.modifier_span = _opt(var.modifier_span, d)
        var.word_span = _opt(var.word_span, d)
    for comment in instr.inner_comments:
        comment.span = _span(comment.span, d)
    for problem in instr.syntax_problems:
        problem.span = _span(problem.span, d)
    for problem in instr.instruction_problems or ():
        problem.span = _span(problem.span, d)
    if isinstance(instr, FromInstruction):
        word(instr.image)
        word(instr.as_keyword)
        word(instr.stage_name)
    elif isinstance(instr, KeyValueInstruction):
        for pair in instr.pairs:
            pair.span = _span(pair.span, d)
            word(pair.key)
            word(pair.value)
    elif isinstance(instr, HealthcheckInstruction):
        word(instr.check_type)
    elif isinstance(instr, OnbuildInstruction) and instr.trigger is not None:
        shift_instruction(instr.trigger, d)
