"""Regression tests for the engine fixes the hostile files led to (issue 8, robustness).

Each test pins one fix: a recursion that a deep input overflowed, or work or memory that grew
quadratically with the size of the input. The sizes here are small enough to run in well under
a second each; tests/robustness/test_hostile_files.py drives the full-size files through the CLI
and the server.
"""

from __future__ import annotations

import sys

import pytest

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse
from msb_lsp.model.suggest import Budget, closest, comparison_budget, exhausted, near
from msb_lsp.model.variables import MAX_EXPANSION_DEPTH, Scope, StageScopes, VarDef, expand
from msb_lsp.model.varrefs import find_vars
from msb_lsp.navigate.index import NavIndex, SymbolKind
from msb_lsp.navigate.usage import stage_usages
from msb_lsp.rules import find_rule
from msb_lsp.rules.context import LintOptions, RuleContext

DEEP = sys.getrecursionlimit() * 3  # deeper than any recursive walk could go


def nested(depth: int, inner: str = "x") -> str:
    return "${A:-" * depth + inner + "}" * depth


# -- variable references: iterative, linear, no copied words -----------------------------------


def test_deeply_nested_references_are_found_without_recursion() -> None:
    text = "echo " + nested(DEEP)
    refs = find_vars(text)
    assert len(refs) == DEEP
    assert [r.start for r in refs] == [5 + 5 * i for i in range(DEEP)]  # outermost first
    assert all(r.name == "A" and r.modifier == ":-" for r in refs)
    assert refs[-1].word == "x"
    assert refs[0].word == nested(DEEP - 1)


def test_outermost_references_only() -> None:
    text = "a ${A:-${B}} $C ${D:+${E:-$F}} '$G'"
    everything = find_vars(text)
    outermost = find_vars(text, nested=False)
    assert [r.name for r in everything] == ["A", "B", "C", "D", "E", "F"]
    assert [r.name for r in outermost] == ["A", "C", "D"]
    # Same references with the same offsets: only the nested ones are left out.
    kept = [r for r in everything if not any(o.start < r.start < o.end for o in everything)]
    assert [(r.start, r.end, r.word) for r in kept] == [(r.start, r.end, r.word) for r in outermost]


def test_nested_words_are_not_copied_per_reference() -> None:
    # Each reference's word is cut on demand from the scanned text (a copy per reference
    # would be quadratic: here about 2 GB for 20,000 levels).
    refs = find_vars(nested(20_000))
    assert all(r.text is refs[0].text for r in refs)
    df = parse("FROM alpine\nRUN echo " + nested(2_000) + "\n")
    run = df.instructions[1]
    assert len(run.variables) == 2_000
    assert run.variables[1].word == nested(1_998)
    assert all(v.line_text is run.variables[0].line_text for v in run.variables)


def test_expansion_of_deep_nesting_is_bounded() -> None:
    unset = Scope()
    shallow = expand(nested(3), unset)
    assert shallow.text == "x" and shallow.complete
    deep = expand(nested(DEEP), unset)  # the words are needed: A is unset at every level
    assert deep.unknown == ["A"]  # left as written from the level where it stops
    assert deep.text == nested(DEEP - MAX_EXPANSION_DEPTH)
    set_ = Scope({"A": VarDef("A", "ARG", "value")})
    assert expand(nested(DEEP), set_).text == "value"  # no word is needed


def test_deep_from_expansions_parse_and_lint() -> None:
    for text in (
        f"FROM {nested(DEEP, 'alpine')}\n",
        f"ARG A\nFROM {nested(DEEP, 'alpine')}\n",
        f"FROM alpine\nRUN echo {nested(DEEP)}\nARG B={nested(DEEP)}\nENV C={nested(DEEP)}\n",
    ):
        df = parse(text)
        findings = lint(df)
        assert not any(f.rule.name == "invalid-default-arg-in-from" for f in findings)


# -- stage scopes: O(n + v) views instead of a dict copy per instruction ---------------------


def test_scopes_are_views_with_dict_semantics() -> None:
    df = parse(
        "ARG G=g\n"
        "FROM alpine AS base\n"
        "ARG G\n"
        "ENV A=1 B=$A\n"
        "ENV A=2\n"
        "RUN true\n"
        "FROM base AS one\n"
        "ENV C=$A\n"
        "FROM base AS two\n"
        "ARG A=ignored D\n"
        "ENV B=3\n"
    )
    scopes = StageScopes(df)
    base, one, two = df.stages
    before = [sorted((k, v.value) for k, v in s.vars.items()) for _, s in scopes.of(base)]
    assert before == [
        [],
        [],
        [("G", "g")],
        [("A", "1"), ("B", "$A"), ("G", "g")],  # the pairs of one ENV see the values before it
        [("A", "2"), ("B", "$A"), ("G", "g")],
    ]
    (_, end_one), *_ = reversed(scopes.of(one))
    assert end_one.lookup("A").value == "2" and "C" not in end_one.vars
    assert scopes.final[one.index].lookup("C").value == "2"
    scopes.of(two)
    final_two = scopes.final[two.index]
    assert list(final_two.vars) == ["G", "A", "B", "D"]  # dict order: first definition
    assert final_two.lookup("A").kind == "ENV"  # an ARG never overrides an ENV
    assert final_two.lookup("B").value == "3"
    assert final_two.lookup("D").value is None
    assert len(final_two.vars) == 4
    # Scopes already handed out do not change when later stages are computed.
    assert scopes.final[one.index].lookup("B").value == "$A"
    with pytest.raises(TypeError):
        final_two.vars["X"] = VarDef("X", "ENV", "1")


def test_many_variables_in_one_stage_share_one_history() -> None:
    count = 3_000
    df = parse("FROM alpine\n" + "".join(f"ENV V{i}=$V{i - 1}x\n" for i in range(count)))
    scopes = StageScopes(df).of(df.stages[0])
    histories = {id(scope.vars.history) for _, scope in scopes}  # type: ignore[attr-defined]
    assert len(histories) == 1  # views, not a dict of up to 3,000 names per instruction
    last = scopes[-1][1]
    assert len(last.vars) == count - 1
    assert last.lookup("V5").value == "$V4x"  # `$V4x` names the undefined V4x
    assert last.lookup(f"V{count - 1}") is None  # defined by the last instruction itself


def test_long_chains_and_combs_of_stages() -> None:
    chain = "FROM alpine AS s0\n" + "".join(
        f"FROM s{i - 1} AS s{i}\nENV V{i}=${{V{i - 1}}}-\n" for i in range(1, 2_000)
    )
    df = parse(chain)
    scopes = StageScopes(df)
    last = scopes.of(df.stages[-1])[-1][1]
    assert last.lookup("V1999") is None  # defined by the last instruction itself
    assert last.lookup("V1998").value == "${V0}" + "-" * 1998  # V0 is never defined
    # A comb: every stage of a chain also has a leaf stage built on it (computed first).
    comb = "FROM alpine AS c0\n" + "".join(
        f"FROM c{i - 1} AS leaf{i}\nENV L{i}=1\nFROM c{i - 1} AS c{i}\nENV C{i}=${{C{i - 1}}}x\n"
        for i in range(1, 1_500)
    )
    df = parse(comb)
    scopes = StageScopes(df)
    for stage in df.stages:
        scopes.of(stage)
    end = scopes.final[df.stages[-1].index]
    value = end.lookup("C1499").value
    assert value == "${C0}" + "x" * 1499, value[:40]  # C0 is never defined
    assert "L3" not in end.vars
    assert len(end.vars) == 1499  # iterating does not recurse through the chain


# -- rules: facts of stage chains computed once --------------------------------------------------


def test_chain_facts_are_known_once_per_stage() -> None:
    df = parse(
        'FROM alpine AS a\nSHELL ["/bin/bash", "-c"]\nFROM a AS b\nWORKDIR /x\n'
        "FROM b AS c\nFROM alpine AS d\nFROM c\n"
    )
    ctx = RuleContext(df, LintOptions())
    a, *_, d, _ = df.stages
    assert [ctx.base_chain_runs(s, "SHELL") for s in df.stages] == [False, True, True, False, True]
    assert [ctx.base_chain_runs(s, "WORKDIR") for s in df.stages] == [
        False,
        False,
        True,
        False,
        True,
    ]
    assert [ctx.chain_root(s) for s in df.stages] == [a, a, a, d, a]
    assert ctx.first_stage_names == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "rule",
    ["relative-workdir", "shell-form-cmd-or-entrypoint", "undefined-variable", "unused-stage"],
)
def test_rules_over_a_long_chain_of_stages(rule: str) -> None:
    # Each of these walked the whole chain again for every stage (O(n²) or worse).
    text = "FROM alpine AS s0\nWORKDIR app\n" + "".join(
        f"FROM s{i - 1} AS s{i}\nCMD run $X{i}\nLABEL l=$X{i}\n" for i in range(1, 3_000)
    )
    found = find_rule(rule)
    assert found is not None
    ctx = RuleContext(parse(text), LintOptions())
    violations = list(found.check(ctx))
    if rule == "relative-workdir":
        assert len(violations) == 1
    elif rule in ("shell-form-cmd-or-entrypoint", "undefined-variable"):
        assert len(violations) == 2_999
    else:
        assert violations == []  # every stage is a base of the final one


def test_scope_before_an_instruction_is_one_lookup() -> None:
    df = parse("FROM alpine\nENV A=1\nRUN pip install x\nENV A=2\nRUN pip install y\n")
    ctx = RuleContext(df, LintOptions())
    runs = [i for i in df.instructions if i.kind == "RUN"]
    values = [ctx.scope_before(r).lookup("A").value for r in runs]  # type: ignore[union-attr]
    assert values == ["1", "2"]
    assert ctx.scope_before(df.instructions[0]) is not None


# -- did-you-mean searches: a budget per lint run ------------------------------------------


def test_suggestions_within_a_budget() -> None:
    names = [f"stage{i}" for i in range(1_000)]
    assert closest("stgae7", names) == "stage7"
    assert near("stage1x", names)[:1] == ["stage1"]
    with comparison_budget(Budget(100)):
        assert closest("stgae999", names) is None  # spent before the candidate is reached
        assert exhausted()
        assert near("stage1x", names) == []
    assert not exhausted()
    assert closest("stgae999", names) == "stage999"  # no budget outside a lint run


def test_many_misspelled_stages_lint_in_bounded_time() -> None:
    count = 2_000
    text = "".join(f"FROM alpine AS stage{i}\nCOPY --from=stgae{i} /a /b\n" for i in range(count))
    findings = lint(parse(text))
    typos = [f for f in findings if f.rule.name == "copy-from-misspelled-stage"]
    assert typos, "the first references still get their did-you-mean"
    assert typos[0].message == "'stgae1' is not a stage; did you mean 'stage0'?"
    # Once the budget is spent the later references are reported as pulled images instead,
    # and never both: the two rules share one answer per reference.
    pulled = [f for f in findings if f.rule.name == "bare-name-pulled-as-image"]
    assert len(typos) + len(pulled) == count
    assert not {f.span for f in typos} & {f.span for f in pulled}


def test_undefined_variable_in_deep_nesting_and_long_arg_lines() -> None:
    # Each reference was checked against every other reference of its instruction, and every
    # ARG value against every pair (O(n²) per line).
    depth = 5_000
    df = parse(f"FROM alpine\nENV C={nested(depth)}\nLABEL l={nested(depth)}\n")
    undefined = [f for f in lint(df) if f.rule.name == "undefined-variable"]
    assert len(undefined) == 2 * depth  # A is unset: every level's word is read
    pairs = 20_000
    line = "ARG " + " ".join(f"V{i}=$V{max(i - 1, 0)}" for i in range(pairs))
    found = [
        f
        for f in lint(parse(f"FROM alpine\n{line}\nLABEL x=$NOPE\n"))
        if f.rule.name == "undefined-variable"
    ]
    assert [f.message for f in found] == [
        "Usage of undefined variable '$V0'",
        "Usage of undefined variable '$NOPE'",
    ]


# -- navigation: stage usage and the variable index --------------------------------------------


def test_stage_usage_names_the_first_targets_and_stays_linear() -> None:
    # A plain build builds only `final`; every chain stage is built by each later target.
    count = 3_000
    text = "FROM alpine AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\n" for i in range(1, count))
    usages = stage_usages(parse(text + "FROM alpine AS final\n"))
    first = usages[0]
    assert first.targets == ["s0", "s1", "s2", "s3", "s4"]  # MAX_TARGETS + 1 kept
    assert first.title == (
        "used by 's1' (FROM) · not built by default: only with --target s0 or --target s1 or "
        "--target s2 or --target s3 or other targets"
    )
    assert usages[count - 1].title == "not built by default: only with --target s2999"
    assert usages[-1].final and usages[-1].targets == []
    # Every stage of 3,000 independent ones is its own only target.
    text = "".join(f"FROM alpine AS s{i}\n" for i in range(count))
    usages = stage_usages(parse(text))
    assert [u.targets for u in usages[:-1]] == [[f"s{i}"] for i in range(count - 1)]


def test_variable_index_of_a_long_chain_shares_scopes() -> None:
    count = 3_000
    text = "FROM alpine AS s0\nENV V0=0\n" + "".join(
        f"FROM s{i - 1} AS s{i}\nENV V{i}=${{V{i - 1}}}\n" for i in range(1, count)
    )
    df = parse(text)
    index = NavIndex(df)
    # Each ENV key is written once and read once by the next stage (the last is never read).
    variables = [s for s in index.symbols if s.kind == SymbolKind.VARIABLE]
    assert len(variables) == count
    reads = sorted(len(s.uses) for s in variables)
    assert reads == [0] + [1] * (count - 1)
    last_use = index.at(df.instructions[-1].variables[0].name_span.start)
    assert last_use is not None and last_use.symbol.name == f"V{count - 2}"
