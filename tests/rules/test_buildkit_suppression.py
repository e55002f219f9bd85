"""Suppression comments against BuildKit's own semantics and examples."""

from __future__ import annotations

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model.parser import parse
from msb_lsp.rules.base import Finding, Severity

BODY = "FROM alpine\nMAINTAINER me@example.org\nENTRYPOINT my-app --serve\n"


def run(text: str, *select: str) -> list[Finding]:
    return lint(parse(text), LintConfig(select=select or ("buildkit", "MSB002")))


def names(text: str, *select: str) -> list[str]:
    return [f.rule.buildkit or f.rule.name for f in run(text, *select)]


def test_baseline() -> None:
    assert names(BODY) == ["MaintainerDeprecated", "JSONArgsRecommended"]


def test_skip_rules_at_the_top() -> None:
    assert names("# check=skip=MaintainerDeprecated\n" + BODY) == ["JSONArgsRecommended"]
    assert names("# check=skip=MaintainerDeprecated,JSONArgsRecommended\n" + BODY) == []
    # Everything after the first space is a comment (BuildKit allows trailing remarks), so
    # a space after the comma ends the list.
    text = "# check=skip=JSONArgsRecommended, MaintainerDeprecated\n" + BODY
    assert names(text) == ["MaintainerDeprecated"]
    commented = "# check=skip=MaintainerDeprecated // the label is set by CI\n" + BODY
    assert names(commented) == ["JSONArgsRecommended"]


def test_rule_names_are_case_sensitive() -> None:
    assert len(names("# check=skip=maintainerdeprecated\n" + BODY)) == 2


def test_skip_all_at_the_top_leaves_other_rules_alone() -> None:
    text = "# check=skip=all\n" + BODY + "COPY --form=build /a /b\n"
    assert names(text) == ["unknown-flag"]


def test_per_instruction_skip_buildkit_example() -> None:
    text = (
        "FROM alpine\n"
        "# check=skip=SecretsUsedInArgOrEnv // allow secret in environment\n"
        "ENV password=bar\n"
        "ENV api_token=baz\n"
    )
    found = run(text)
    assert [(f.rule.buildkit, str(f.span.start)) for f in found] == [
        ("SecretsUsedInArgOrEnv", "4:5")
    ]


def test_per_instruction_skip_all_is_local_to_that_instruction() -> None:
    text = (
        "FROM alpine\n"
        "# check=skip=all // is local to only this instruction\n"
        "MAINTAINER me@example.org\n"
        "MAINTAINER you@example.org\n"
    )
    assert [str(f.span.start) for f in run(text)] == ["4:1"]


def test_per_instruction_comment_block_rules() -> None:
    # A blank line does not detach the comment; an empty `#` line does.
    attached = "FROM alpine\n# check=skip=MaintainerDeprecated\n\nMAINTAINER me\n"
    assert names(attached) == []
    detached = "FROM alpine\n# check=skip=MaintainerDeprecated\n#\nMAINTAINER me\n"
    assert names(detached) == ["MaintainerDeprecated"]
    # Only the comments directly above count, not those above an earlier instruction.
    earlier = "FROM alpine\n# check=skip=MaintainerDeprecated\nRUN true\nMAINTAINER me\n"
    assert names(earlier) == ["MaintainerDeprecated"]


def test_per_instruction_skip_on_from_and_onbuild() -> None:
    text = (
        "# check=skip=FromPlatformFlagConstDisallowed\n"
        "FROM --platform=linux/amd64 alpine AS build\n"
        "# check=skip=LegacyKeyValueFormat\n"
        "ONBUILD ENV A b\n"
        "ONBUILD ENV C d\n"
    )
    found = run(text)
    assert [(f.rule.buildkit, str(f.span.start)) for f in found] == [
        ("LegacyKeyValueFormat", "5:13")
    ]


def test_error_true_raises_buildkit_checks_to_errors() -> None:
    text = "# check=error=true\n" + BODY + "COPY --form=build /a /b\n"
    found = run(text)
    levels = {f.rule.buildkit or f.rule.name: f.severity for f in found}
    assert levels == {
        "MaintainerDeprecated": Severity.ERROR,
        "JSONArgsRecommended": Severity.ERROR,
        "unknown-flag": Severity.ERROR,  # an error anyway
    }
    assert {f.severity for f in run(BODY)} == {Severity.WARNING}
    combined = "# check=skip=JSONArgsRecommended;error=true\n" + BODY
    assert [(f.rule.buildkit, f.severity) for f in run(combined)] == [
        ("MaintainerDeprecated", Severity.ERROR)
    ]


def test_experimental_rules_ignore_skip() -> None:
    text = (
        "# check=skip=all;experimental=InvalidDefinitionDescription\n"
        "# compile the app\n"
        "FROM golang:1.22 AS build\n"
        "MAINTAINER me\n"
    )
    assert names(text) == ["InvalidDefinitionDescription"]
    local = (
        "# check=experimental=InvalidDefinitionDescription\n"
        "# check=skip=InvalidDefinitionDescription\n"
        "# compile the app\n"
        "FROM golang:1.22 AS build\n"
    )
    assert names(local) == ["InvalidDefinitionDescription"]


def test_msb_lsp_ignore_still_applies_to_experimental_rules() -> None:
    text = (
        "# check=experimental=all\n"
        "\n"
        "# msb-lsp: ignore=invalid-definition-description\n"
        "# compile the app\n"
        "FROM golang:1.22 AS build\n"
    )
    assert names(text) == []


def test_hadolint_ignore_for_rules_with_an_equivalent() -> None:
    text = "FROM alpine\n# hadolint ignore=DL4000\nMAINTAINER me\nMAINTAINER you\n"
    assert [str(f.span.start) for f in run(text)] == ["4:1"]
    several = "FROM alpine\n# hadolint ignore=DL3025,DL4000\n" + BODY.split("\n", 1)[1]
    assert names(several) == ["JSONArgsRecommended"]  # the comment covers its line only
    globally = "# hadolint global ignore=DL3025\n" + BODY
    assert names(globally) == ["MaintainerDeprecated"]
    # A rule without a hadolint equivalent is not silenced by hadolint codes.
    unrelated = "FROM alpine\n# hadolint ignore=DL4000\nENV A b\n"
    assert names(unrelated) == ["LegacyKeyValueFormat"]


def test_msb_lsp_ignore_by_code_or_name() -> None:
    by_code = "FROM alpine\n# msb-lsp: ignore=MSB304\nMAINTAINER me\n"
    by_name = "FROM alpine\n# msb-lsp: ignore=deprecated-maintainer\nMAINTAINER me\n"
    assert names(by_code) == names(by_name) == []
    other = "FROM alpine\n# msb-lsp: ignore=relative-workdir\nMAINTAINER me\n"
    assert names(other) == ["MaintainerDeprecated"]
    whole_file = "# msb-lsp: ignore-file=MSB303\n" + BODY
    assert names(whole_file) == ["MaintainerDeprecated"]
