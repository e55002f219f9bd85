"""Turning the parser's problems (syntax and instruction errors) into violations."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import Problem
from msb_lsp.rules.base import Edit, Fix, Violation
from msb_lsp.rules.context import RuleContext


def problems(ctx: RuleContext, *codes: str) -> Iterator[Violation]:
    """One violation per parser problem with one of `codes`; a suggestion becomes a fix."""
    for problem in ctx.df.problems:
        if problem.code in codes:
            yield Violation(problem.span, problem.message, fix=_suggestion_fix(problem))


def _suggestion_fix(problem: Problem) -> Fix | None:
    suggestion = (problem.data or {}).get("suggestion")
    if not isinstance(suggestion, str) or not suggestion:
        return None
    if problem.code == "unknown-instruction":
        return Fix(f"Replace with '{suggestion}'", (Edit(problem.span, suggestion),))
    if problem.code == "unknown-flag":
        # The span covers `--name`; keep the dashes.
        return Fix(f"Replace with '--{suggestion}'", (Edit(problem.span, f"--{suggestion}"),))
    return None
