"""Renames keep what the build means: every stage reference still resolves to the same stage
with the same status, every variable reference to the same definition, and linting finds
nothing new. Checked for every stage and every variable of the generated benchmark files
(named and unnamed stages, COPY --from by name and index, cache and bind mounts, heredocs,
continuations, ARG/ENV chains)."""

from __future__ import annotations

import pytest

from benchmarks.gen_dockerfiles import generate
from msb_lsp.engine.lint import lint
from msb_lsp.model import parse
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.navigate.index import NavIndex, SymbolKind
from msb_lsp.navigate.rename import RenameError, plan_rename
from tests.navigate.helpers import apply

SAMPLES = ["seed", "small", "medium"]


def stage_links(df: Dockerfile) -> list[tuple[str, str, int | None, int, int]]:
    return [
        (
            r.kind.value,
            r.status.value,
            r.target.index if r.target else None,
            r.stage.index,
            r.span.start.line,
        )
        for r in df.refs
    ]


def variable_links(df: Dockerfile, old: str, new: str) -> list[tuple[int, int, str, bool]]:
    """(line of use, line of its definition, name with `new` read as `old`, is a definition)."""
    index = NavIndex(df)
    links = []
    for symbol in index.variable_symbols():
        name = old if symbol.name == new else symbol.name
        for occ in symbol.occurrences:
            links.append((occ.span.start.line, occ.target.start.line, name, occ.write))
    return sorted(links)


def findings(df: Dockerfile, old: str = "", new: str = "") -> set[tuple[str, int, str]]:
    return {
        (f.code, f.span.start.line, f.message.replace(new, old) if new else f.message)
        for f in lint(df)
    }


@pytest.mark.parametrize("sample", SAMPLES)
def test_stage_renames_keep_every_reference(sample: str) -> None:
    text = generate(sample).text
    df = parse(text)
    index = NavIndex(df)
    renamed = 0
    for stage in df.stages:
        if stage.name is None:
            continue
        new = f"renamed-{stage.index}"
        plan = plan_rename(index, index.stage_symbol(stage).anchor.start, new)
        assert plan is not None
        new_df = parse(apply(text, [(c.span, c.text) for c in plan.changes]))
        assert stage_links(new_df) == stage_links(df), stage.name
        assert new_df.stages[stage.index].name == new
        assert findings(new_df, stage.name, new) <= findings(df), stage.name
        renamed += 1
    assert renamed >= 1


def test_the_medium_sample_exercises_every_kind_of_reference() -> None:
    df = parse(generate("medium").text)
    assert {(r.kind.value, r.status.value) for r in df.refs} >= {
        ("copy", "stage"),
        ("copy", "index"),
        ("mount", "stage"),
        ("from", "stage"),
    }


@pytest.mark.parametrize("sample", SAMPLES)
def test_variable_renames_keep_every_reference(sample: str) -> None:
    text = generate(sample).text
    df = parse(text)
    index = NavIndex(df)
    symbols = [s for s in index.symbols if s.kind == SymbolKind.VARIABLE]
    assert symbols
    for n, symbol in enumerate(symbols):
        new = f"RENAMED_{n}"
        try:
            plan = plan_rename(index, symbol.anchor.start, new)
        except RenameError as exc:
            pytest.fail(f"{symbol.name}: {exc.message}")
        assert plan is not None
        new_df = parse(apply(text, [(c.span, c.text) for c in plan.changes]))
        assert variable_links(new_df, symbol.name, new) == variable_links(df, "", ""), symbol.name
        assert stage_links(new_df) == stage_links(df), symbol.name
        assert findings(new_df, symbol.name, new) <= findings(df), symbol.name
