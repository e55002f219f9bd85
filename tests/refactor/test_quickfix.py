"""Quick-fix helpers and fix-all: what is offered for a finding, what is preferred, reading
fixes back from a diagnostic's data, line endings, and the iterative fix-all loop."""

from __future__ import annotations

from collections.abc import Callable

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model import parse
from msb_lsp.model.span import Pos, Span
from msb_lsp.refactor.fixes import apply_edits, apply_safe_fixes
from msb_lsp.refactor.quickfix import (
    MAX_PASSES,
    data_version,
    diff_edits,
    fix_all,
    fixable,
    fixes_from_data,
    preferred,
    quick_fixes,
    with_eol,
)
from msb_lsp.rules import find_rule
from msb_lsp.rules.base import Edit, Finding, Fix, Severity

DEFAULT = LintConfig()


def lint_text(text: str) -> list[Finding]:
    return lint(parse(text), DEFAULT)


def codes(text: str) -> list[str]:
    return [f.code for f in lint_text(text)]


# -- what is offered ----------------------------------------------------------------------


def test_quick_fixes_are_the_rule_fixes_then_the_suppressions() -> None:
    text = "FROM alpine:3.19 AS build\nRUN true\nFROM alpine:3.19\nCOPY --from=biuld /a /a\n"
    df = parse(text)
    (finding,) = [f for f in lint_text(text) if f.code == "MSB101"]
    assert [f.title for f in quick_fixes(df, finding)] == [
        "Replace with 'build'",
        "Ignore copy-from-misspelled-stage for this instruction",
        "Ignore copy-from-misspelled-stage in this file",
    ]
    assert preferred(quick_fixes(df, finding)) is finding.fix


def test_preferred_is_the_only_safe_fix() -> None:
    def fix(title: str, safe: bool) -> Fix:
        return Fix(title, (Edit(Span(Pos(0, 0), Pos(0, 1)), title),), safe)

    assert preferred([fix("a", True)]) == fix("a", True)
    assert preferred([fix("a", False), fix("b", True)]) == fix("b", True)
    assert preferred([fix("a", True), fix("b", True)]) is None  # two candidates: user picks
    assert preferred([fix("a", False)]) is None
    assert preferred([]) is None


def test_two_did_you_mean_candidates_neither_preferred() -> None:
    text = (
        "FROM alpine:3.19 AS build1\nRUN true\nFROM alpine:3.19 AS build2\nRUN true\n"
        "FROM alpine:3.19\nCOPY --from=build3 /a /a\n"
    )
    df = parse(text)
    (finding,) = [f for f in lint_text(text) if f.code == "MSB101"]
    offered = quick_fixes(df, finding)
    assert {f.title for f in offered[:2]} == {"Replace with 'build1'", "Replace with 'build2'"}
    assert preferred(offered) is None


def test_quick_fixes_follow_the_file_line_endings() -> None:
    text = 'FROM alpine:3.19\r\nCOPY app /app\r\nCMD ["/app"]\r\n'
    df = parse(text)
    (finding,) = [f for f in lint_text(text) if f.code == "MSB204"]
    for fix in quick_fixes(df, finding):
        out = apply_edits(text, fix.edits)
        assert "\n" not in out.replace("\r\n", ""), fix.title
    user = quick_fixes(df, finding)[0]
    assert apply_edits(text, user.edits) == (
        'FROM alpine:3.19\r\nCOPY app /app\r\nUSER nobody\r\nCMD ["/app"]\r\n'
    )


def test_with_eol_rewrites_every_line_break() -> None:
    fix = Fix("t", (Edit(Span(Pos(0, 0), Pos(0, 0)), "a\nb\r\nc\rd"),))
    assert with_eol(fix, "\r\n").edits[0].text == "a\r\nb\r\nc\r\nd"
    assert with_eol(fix, "\n").edits[0].text == "a\nb\nc\nd"
    plain = Fix("t", (Edit(Span(Pos(0, 0), Pos(0, 0)), "x"),))
    assert with_eol(plain, "\r\n") is plain


# -- diagnostic data ----------------------------------------------------------------------


def test_fixes_round_trip_through_diagnostic_data() -> None:
    fix = Fix("Use X", (Edit(Span(Pos(1, 2), Pos(1, 5)), "X"),), safe=False)
    data = {"rule": "some-rule", "fixes": [fix.to_data()], "version": 7}
    assert fixes_from_data(data) == ("some-rule", [fix])
    assert data_version(data) == 7


def test_malformed_data_is_refused_not_trusted() -> None:
    assert fixes_from_data(None) is None
    assert fixes_from_data("text") is None
    assert fixes_from_data({"rule": "x"}) is None
    assert fixes_from_data({"rule": "x", "fixes": [{"title": "t"}]}) is None
    assert (
        fixes_from_data({"rule": "x", "fixes": [{"title": "t", "edits": [{"range": [1]}]}]}) is None
    )
    assert fixes_from_data({"rule": 3, "fixes": []}) == (None, [])
    assert data_version({"version": True}) is None
    assert data_version({"version": "1"}) is None
    assert data_version({}) is None


# -- fix-all ------------------------------------------------------------------------------


def test_fix_all_applies_every_compatible_safe_fix() -> None:
    text = (
        "FROM golang:1.22 AS build\n"
        "RUN go build -o /app .\n"
        "FROM alpine:3.19\n"
        "MAINTAINER me\n"
        "ENV MODE production\n"
        "RUN apk add curl\n"
        "COPY --from=0 /app /app\n"
        'CMD ["/app"]\n'
    )
    result = fix_all(text, lint_text)
    assert result.text == (
        "FROM golang:1.22 AS build\n"
        "RUN go build -o /app .\n"
        "FROM alpine:3.19\n"
        'LABEL org.opencontainers.image.authors="me"\n'
        "ENV MODE=production\n"
        "RUN apk add --no-cache curl\n"
        "COPY --from=build /app /app\n"
        'CMD ["/app"]\n'
    )
    assert result.applied == 4 and result.converged
    # Unsafe fixes (USER, CGO_ENABLED=0) stay findings for the user to decide.
    assert sorted(codes(result.text)) == ["MSB204", "MSB205"]


def test_fix_all_runs_until_fixes_unlocked_by_others_land() -> None:
    """Lower-casing `from` to the file's `FROM` and matching `AS` to the old `from` both
    land in the first pass; the second pass matches `as` to the new `FROM`."""
    text = "FROM alpine:3.19 AS base\nRUN true\nfrom base AS runtime\nRUN true\n"
    once = apply_safe_fixes(text, lint_text(text))
    assert "MSB123" in codes(once)
    result = fix_all(text, lint_text)
    assert result.text == "FROM alpine:3.19 AS base\nRUN true\nFROM base AS runtime\nRUN true\n"
    assert result.passes == 2 and result.converged
    assert not fixable(lint_text(result.text))


def test_fix_all_of_a_clean_file_changes_nothing() -> None:
    text = "FROM alpine:3.19\nRUN true\n"
    result = fix_all(text, lint_text)
    assert (result.text, result.applied, result.passes, result.converged) == (text, 0, 0, True)


def test_fix_all_keeps_crlf() -> None:
    text = "FROM alpine:3.19\r\nMAINTAINER me\r\nENV A 1\r\nRUN apk add curl\r\n"
    result = fix_all(text, lint_text)
    assert result.text == (
        'FROM alpine:3.19\r\nLABEL org.opencontainers.image.authors="me"\r\nENV A=1\r\n'
        "RUN apk add --no-cache curl\r\n"
    )


def _fake_linter(rewrites: dict[str, str]) -> Callable[[str], list[Finding]]:
    """A linter with one safe fix per text: replace the whole text by `rewrites[text]`."""
    rule = find_rule("MSB304")
    assert rule is not None

    def run(text: str) -> list[Finding]:
        if text not in rewrites:
            return []
        end = parse(text).source.end()
        fix = Fix("rewrite", (Edit(Span(Pos(0, 0), end), rewrites[text]),))
        return [Finding(rule, Span(Pos(0, 0), end), "m", Severity.WARNING, fixes=(fix,))]

    return run


def test_fix_all_is_bounded_and_stops_on_a_circle() -> None:
    chain = {str(i): str(i + 1) for i in range(100)}
    result = fix_all("0", _fake_linter(chain))
    assert result.text == str(MAX_PASSES)
    assert result.passes == MAX_PASSES and not result.converged
    circle = fix_all("a", _fake_linter({"a": "b", "b": "a"}))
    assert circle.text == "b" and circle.passes == 1 and not circle.converged
    done = fix_all("a", _fake_linter({"a": "b", "b": "c"}), max_passes=5)
    assert done.text == "c" and done.passes == 2 and done.converged


# -- line edits between two texts ---------------------------------------------------------


def test_diff_edits_touch_only_changed_lines() -> None:
    old = "FROM alpine\nMAINTAINER me\nRUN a\nRUN b\n"
    new = 'FROM alpine\nLABEL x="me"\nRUN a\nRUN b --c\nUSER nobody\n'
    edits = diff_edits(old, new)
    assert apply_edits(old, edits) == new
    assert [(e.span.start.line, e.span.end.line) for e in edits] == [(1, 2), (3, 4)]


def test_diff_edits_at_the_end_with_and_without_final_line_break() -> None:
    cases = [
        ("a\nb", "a\nc"),
        ("a\nb", "a\nb\nc"),
        ("a\nb\n", "a\nb\nc"),
        ("a\r\nb", "a\r\nb\r\nc\r\n"),
        ("", "x\n"),
        ("x\n", ""),
        ("a\rb\r", "a\rc\r"),
        ("same", "same"),
    ]
    for old, new in cases:
        assert apply_edits(old, diff_edits(old, new)) == new, (old, new)
    assert diff_edits("same", "same") == []
