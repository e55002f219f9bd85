"""The "ignore this rule" edits: the comment they write, where, merged into what is there,
and that the engine (and BuildKit's grammar) then really silences the finding."""

from __future__ import annotations

from collections import Counter

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model import parse
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.refactor.suppress import FILE, HERE, Suppression, ignore_fix, ignore_fixes
from msb_lsp.rules import find_rule
from msb_lsp.rules.base import Finding

ALL = LintConfig(select=("all",))


def run(text: str) -> list[Finding]:
    return lint(parse(text), ALL)


def finding(text: str, code: str, nth: int = 0) -> Finding:
    return [f for f in run(text) if f.code == code][nth]


def suppressed(text: str, code: str, scope: str, nth: int = 0) -> str:
    """`text` after the suppression fix of the `nth` finding of `code`."""
    f = finding(text, code, nth)
    fix = ignore_fix(parse(text), f.rule, f.span.start, scope)
    assert fix is not None
    assert not fix.safe  # fix-all never silences rules
    return apply_edits(text, fix.edits)


def codes(text: str) -> Counter[str]:
    return Counter(f.code for f in run(text))


def problems(text: str) -> list[str]:
    return [p.code for p in parse(text).problems]


# -- which comment ------------------------------------------------------------------------


def test_buildkit_rules_use_check_skip_and_others_msb_lsp_ignore() -> None:
    maintainer = find_rule("MSB304")
    apk = find_rule("MSB207")
    description = find_rule("MSB316")  # BuildKit's experimental InvalidDefinitionDescription
    assert maintainer is not None and apk is not None and description is not None
    assert Suppression.of(maintainer) == Suppression(True, "MaintainerDeprecated")
    assert Suppression.of(apk) == Suppression(False, "apk-add-without-no-cache")
    # Experimental BuildKit checks ignore `skip`: only msb-lsp's comment silences them.
    assert Suppression.of(description) == Suppression(False, "invalid-definition-description")


def test_titles_name_the_rule_and_the_scope() -> None:
    text = "FROM alpine:3.19\nMAINTAINER me@example.org\n"
    f = finding(text, "MSB304")
    assert [fix.title for fix in ignore_fixes(parse(text), f.rule, f.span.start)] == [
        "Ignore MaintainerDeprecated for this instruction",
        "Ignore MaintainerDeprecated in this file",
    ]


# -- here ---------------------------------------------------------------------------------


def test_here_writes_check_skip_above_the_instruction() -> None:
    text = "FROM alpine:3.19\nMAINTAINER me@example.org\nRUN true\n"
    out = suppressed(text, "MSB304", HERE)
    assert out == (
        "FROM alpine:3.19\n# check=skip=MaintainerDeprecated\nMAINTAINER me@example.org\nRUN true\n"
    )
    assert "MSB304" not in codes(out)


def test_here_silences_only_that_instruction() -> None:
    text = "FROM alpine:3.19\nMAINTAINER a\nMAINTAINER b\n"
    out = suppressed(text, "MSB304", HERE, nth=1)
    assert (
        out == "FROM alpine:3.19\nMAINTAINER a\n# check=skip=MaintainerDeprecated\nMAINTAINER b\n"
    )
    (left,) = [f for f in run(out) if f.code == "MSB304"]
    assert left.span.start.line == 1


def test_here_writes_msb_lsp_ignore_for_rules_without_buildkit_name() -> None:
    text = "FROM alpine:3.19\nRUN apk add curl\n"
    out = suppressed(text, "MSB207", HERE)
    assert out == "FROM alpine:3.19\n# msb-lsp: ignore=apk-add-without-no-cache\nRUN apk add curl\n"
    assert "MSB207" not in codes(out)


def test_here_keeps_the_instruction_indentation() -> None:
    text = "FROM alpine:3.19\n\t  MAINTAINER me\n    RUN apk add curl\n"
    out = suppressed(text, "MSB304", HERE)
    assert out.splitlines()[1] == "\t  # check=skip=MaintainerDeprecated"
    out = suppressed(text, "MSB207", HERE)
    assert out.splitlines()[2] == "    # msb-lsp: ignore=apk-add-without-no-cache"
    assert "MSB207" not in codes(out)


def test_here_merges_into_a_check_comment_above() -> None:
    text = (
        "FROM alpine:3.19\n"
        "# check=skip=JSONArgsRecommended\n"
        "MAINTAINER me\n"
        "# check=error=true // fail the build on this one\n"
        "ENTRYPOINT my-app --serve\n"
        "# check=experimental=InvalidDefinitionDescription;error=false\n"
        "LABEL x=y\n"
        "MAINTAINER again\n"
    )
    out = suppressed(text, "MSB304", HERE)
    assert out.splitlines()[1] == "# check=skip=JSONArgsRecommended,MaintainerDeprecated"
    out = suppressed(text, "MSB303", HERE)  # JSONArgsRecommended
    assert out.splitlines()[3] == (
        "# check=error=true;skip=JSONArgsRecommended // fail the build on this one"
    )
    assert "MSB303" not in codes(out)
    assert len(out.splitlines()) == len(text.splitlines())


def test_here_merges_into_an_empty_or_trailing_comma_skip_list() -> None:
    text = "FROM alpine:3.19\n# check=skip=JSONArgsRecommended,\nMAINTAINER me\n"
    out = suppressed(text, "MSB304", HERE)
    assert out.splitlines()[1] == "# check=skip=JSONArgsRecommended,MaintainerDeprecated"
    assert "MSB304" not in codes(out)


def test_here_merges_into_an_msb_lsp_ignore_above() -> None:
    text = "FROM alpine:3.19\n# msb-lsp: ignore=apt-lists-not-removed\nRUN apk add curl\n"
    out = suppressed(text, "MSB207", HERE)
    assert out.splitlines()[1] == (
        "# msb-lsp: ignore=apt-lists-not-removed,apk-add-without-no-cache"
    )
    assert "MSB207" not in codes(out)


def test_here_does_not_merge_into_the_other_family_or_an_ignore_file() -> None:
    text = (
        "FROM alpine:3.19\n"
        "# msb-lsp: ignore-file=apt-lists-not-removed\n"
        "# check=skip=JSONArgsRecommended\n"
        "RUN apk add curl\n"
    )
    out = suppressed(text, "MSB207", HERE)
    assert out.splitlines()[1:4] == [
        "# msb-lsp: ignore-file=apt-lists-not-removed",
        "# check=skip=JSONArgsRecommended",
        "# msb-lsp: ignore=apk-add-without-no-cache",
    ]


def test_here_crlf_file_gets_crlf() -> None:
    text = "FROM alpine:3.19\r\nMAINTAINER me\r\nRUN apk add curl\r\n"
    out = suppressed(text, "MSB304", HERE)
    assert out == (
        "FROM alpine:3.19\r\n# check=skip=MaintainerDeprecated\r\nMAINTAINER me\r\n"
        "RUN apk add curl\r\n"
    )
    out = suppressed(text, "MSB207", HERE)
    assert "\r\n# msb-lsp: ignore=apk-add-without-no-cache\r\nRUN" in out
    assert "\n" not in out.replace("\r\n", "")


def test_here_goes_above_the_onbuild_that_wraps_a_trigger() -> None:
    text = "FROM alpine:3.19\nONBUILD MAINTAINER me\n"
    out = suppressed(text, "MSB009", HERE)  # forbidden-onbuild-trigger
    assert (
        out
        == "FROM alpine:3.19\n# msb-lsp: ignore=forbidden-onbuild-trigger\nONBUILD MAINTAINER me\n"
    )
    assert "MSB009" not in codes(out)


def test_here_above_the_first_instruction_stays_local_after_directives() -> None:
    """A `check=` line with only directives above it would be a (second) directive."""
    text = "# syntax=docker/dockerfile:1\n# check=error=true\nFROM alpine:3.19 as base\nFROM base AS Final\n"
    out = suppressed(text, "MSB123", HERE)  # FromAsCasing on the first FROM
    assert out == (
        "# syntax=docker/dockerfile:1\n# check=error=true\n\n# check=skip=FromAsCasing\n"
        "FROM alpine:3.19 as base\nFROM base AS Final\n"
    )
    assert problems(out) == problems(text)
    df = parse(out)
    assert df.directive("check") is not None and df.directive("check").value == "error=true"
    assert "MSB123" not in codes(out)
    # The file-wide directive did not change: StageNameCasing still fires below.
    assert "MSB122" in codes(out)


def test_here_above_the_very_first_line() -> None:
    text = "FROM alpine:3.19 as base\nFROM base AS Final\n"
    out = suppressed(text, "MSB123", HERE)
    assert out == "\n# check=skip=FromAsCasing\nFROM alpine:3.19 as base\nFROM base AS Final\n"
    assert parse(out).directives == []
    assert "MSB123" not in codes(out) and "MSB122" in codes(out)
    text = 'FROM alpine\nCMD ["sh"]\n'
    out = suppressed(text, "MSB212", HERE)  # latest base image: no BuildKit name
    assert out == '# msb-lsp: ignore=latest-base-image-in-final-stage\nFROM alpine\nCMD ["sh"]\n'
    assert "MSB212" not in codes(out)


def test_here_keeps_a_byte_order_mark_first() -> None:
    text = "\ufeffFROM alpine:3.19 as base\r\nRUN apk add curl\r\n"
    out = suppressed(text, "MSB123", HERE)
    assert out.startswith("\ufeff\r\n# check=skip=FromAsCasing\r\nFROM")
    assert problems(out) == problems(text)
    assert "MSB123" not in codes(out)


def test_no_here_fix_off_any_instruction() -> None:
    text = "# only a comment\n"
    f = finding(text, "MSB017")  # empty-dockerfile
    fixes = ignore_fixes(parse(text), f.rule, f.span.start)
    assert [fix.title for fix in fixes] == ["Ignore empty-dockerfile in this file"]


# -- in this file -------------------------------------------------------------------------


def test_file_adds_a_check_directive_at_the_top() -> None:
    text = "FROM alpine:3.19\nMAINTAINER a\nMAINTAINER b\n"
    out = suppressed(text, "MSB304", FILE)
    assert out == "# check=skip=MaintainerDeprecated\n" + text
    assert "MSB304" not in codes(out)
    assert parse(out).directive("check") is not None


def test_file_adds_the_directive_after_existing_directives() -> None:
    text = "# syntax=docker/dockerfile:1\n# escape=`\n# build it\nFROM alpine:3.19\nMAINTAINER a\n"
    out = suppressed(text, "MSB304", FILE)
    assert out.splitlines()[:4] == [
        "# syntax=docker/dockerfile:1",
        "# escape=`",
        "# check=skip=MaintainerDeprecated",
        "# build it",
    ]
    assert [d.name for d in parse(out).directives] == ["syntax", "escape", "check"]
    assert "MSB304" not in codes(out)


def test_file_merges_into_the_top_directive_never_a_second_one() -> None:
    text = "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended;error=true\nFROM alpine:3.19\nMAINTAINER a\n"
    out = suppressed(text, "MSB304", FILE)
    assert out.splitlines()[1] == "# check=skip=JSONArgsRecommended,MaintainerDeprecated;error=true"
    assert problems(out) == problems(text)
    assert "MSB304" not in codes(out)
    text = "# check=error=true // strict\nFROM alpine:3.19\nMAINTAINER a\n"
    out = suppressed(text, "MSB304", FILE)
    assert out.splitlines()[0] == "# check=error=true;skip=MaintainerDeprecated // strict"
    assert "MSB304" not in codes(out)


def test_file_refuses_a_fourth_part_in_the_directive() -> None:
    text = "# check=error=true;experimental=all;error=false\nFROM alpine:3.19\nMAINTAINER a\n"
    f = finding(text, "MSB304")
    assert ignore_fix(parse(text), f.rule, f.span.start, FILE) is None


def test_invalid_check_values_are_not_merged_into() -> None:
    text = "# check=skip=JSONArgsRecommended;color=red\nFROM alpine:3.19\nMAINTAINER a\n"
    f = finding(text, "MSB304")
    assert ignore_fix(parse(text), f.rule, f.span.start, FILE) is None
    text = "FROM alpine:3.19\n# check=bogus\nMAINTAINER a\n"
    out = suppressed(text, "MSB304", HERE)
    assert (
        out == "FROM alpine:3.19\n# check=bogus\n# check=skip=MaintainerDeprecated\nMAINTAINER a\n"
    )
    assert "MSB304" not in codes(out)


def test_file_msb_lsp_ignore_file_is_merged_or_added_after_directives() -> None:
    text = "# syntax=docker/dockerfile:1\nFROM alpine:3.19\nRUN apk add curl\n"
    out = suppressed(text, "MSB207", FILE)
    assert out.splitlines()[:2] == [
        "# syntax=docker/dockerfile:1",
        "# msb-lsp: ignore-file=apk-add-without-no-cache",
    ]
    assert [d.name for d in parse(out).directives] == ["syntax"]
    assert "MSB207" not in codes(out)
    text = (
        "FROM alpine:3.19\n"
        "# msb-lsp: ignore-file=apt-lists-not-removed\n"
        "RUN apk add curl\nRUN apk add git\n"
    )
    out = suppressed(text, "MSB207", FILE, nth=1)
    assert out.splitlines()[1] == (
        "# msb-lsp: ignore-file=apt-lists-not-removed,apk-add-without-no-cache"
    )
    assert "MSB207" not in codes(out)


def test_file_crlf_and_bom() -> None:
    text = "\ufeffFROM alpine:3.19\r\nMAINTAINER a\r\n"
    out = suppressed(text, "MSB304", FILE)
    assert out == "\ufeff# check=skip=MaintainerDeprecated\r\nFROM alpine:3.19\r\nMAINTAINER a\r\n"
    assert parse(out).directive("check") is not None
    assert "MSB304" not in codes(out)


def test_file_with_only_directives_and_no_final_line_break() -> None:
    text = "# syntax=docker/dockerfile:1"
    out = suppressed(text, "MSB017", FILE)
    assert out == "# syntax=docker/dockerfile:1\n# msb-lsp: ignore-file=empty-dockerfile"
    assert "MSB017" not in codes(out)


def test_every_suppression_silences_its_finding_and_breaks_nothing() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "FROM golang:1.22 as Build\n"
        "ENV GOFLAGS -mod=vendor\n"
        "RUN go build -o /app .\n"
        "FROM alpine:3.19\n"
        "MAINTAINER me\n"
        "RUN apk add curl && apt-get update && apt-get install -y git\n"
        "COPY --from=buld /app /app\n"
        'CMD ["/app"]\n'
    )
    df = parse(text)
    before = codes(text)
    for f in run(text):
        for fix in ignore_fixes(df, f.rule, f.span.start):
            out = apply_edits(text, fix.edits)
            assert problems(out) == problems(text), (f.code, fix.title)
            after = codes(out)
            assert after[f.code] < before[f.code], (f.code, fix.title, out)
            assert all(after[c] <= n for c, n in before.items()), (f.code, fix.title)
            assert not set(after) - set(before), (f.code, fix.title, out)
