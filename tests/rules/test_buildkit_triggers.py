"""Each BuildKit build check, fed BuildKit's own minimal trigger, gives BuildKit's detail text
on BuildKit's line (../shared/reference/buildkit-checks.md, table 2.3).

InvalidBaseImagePlatform needs the pulled image's platform; its offline form is tested in
test_invalid_base_image_platform.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model import parse
from msb_lsp.rules import all_rules
from msb_lsp.rules.context import LintOptions

TRIGGERS = [
    ("StageNameCasing", "FROM alpine AS Builder", 1, "Stage name 'Builder' should be lowercase"),
    ("FromAsCasing", "FROM alpine as builder", 1, "'as' and 'FROM' keywords' casing do not match"),
    # BuildKit reports the instruction's last line (4); msb-lsp marks the blank line itself
    # (3), which is what the fix deletes (see the rule's doc page).
    (
        "NoEmptyContinuation",
        "FROM alpine\nRUN apk add curl \\\n\n    git",
        3,
        "Empty continuation line",
    ),
    (
        "ConsistentInstructionCasing",
        "FROM alpine\nrun echo one\nRUN echo two",
        2,
        "Command 'run' should match the case of the command majority (uppercase)",
    ),
    (
        "DuplicateStageName",
        "FROM alpine AS build\nFROM debian AS build",
        2,
        'Duplicate stage name "build", stage names should be unique',
    ),
    (
        "ReservedStageName",
        "FROM alpine AS context",
        1,
        'Stage name should not use the same name as reserved stage "context"',
    ),
    (
        "JSONArgsRecommended",
        "FROM alpine\nENTRYPOINT my-app --serve",
        2,
        "JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals",
    ),
    (
        "MaintainerDeprecated",
        "FROM alpine\nMAINTAINER me@example.org",
        2,
        "Maintainer instruction is deprecated in favor of using label",
    ),
    (
        "UndefinedArgInFrom",
        "ARG TAG=3.20\nFROM alpine:${TAG}${SUFFIX}",
        2,
        "FROM argument 'SUFFIX' is not declared",
    ),
    (
        "WorkdirRelativePath",
        "FROM alpine\nWORKDIR app",
        2,
        'Relative workdir "app" can have unexpected results if the base image changes',
    ),
    (
        "UndefinedVar",
        "FROM alpine\nCOPY ${SRC_DIR} /src",
        2,
        "Usage of undefined variable '$SRC_DIR'",
    ),
    (
        "MultipleInstructionsDisallowed",
        'FROM alpine\nCMD ["sh"]\nCMD ["ash"]',
        2,
        "Multiple CMD instructions should not be used in the same stage because only the last one will be used",
    ),
    (
        "LegacyKeyValueFormat",
        "FROM alpine\nENV APP_HOME /app",
        2,
        '"ENV key=value" should be used instead of legacy "ENV key value" format',
    ),
    (
        "RedundantTargetPlatform",
        "FROM --platform=$TARGETPLATFORM alpine",
        1,
        "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
    ),
    (
        "SecretsUsedInArgOrEnv",
        "FROM alpine\nARG NPM_TOKEN",
        2,
        'Do not use ARG or ENV instructions for sensitive data (ARG "NPM_TOKEN")',
    ),
    (
        "InvalidDefaultArgInFrom",
        "ARG BASE_TAG\nFROM node:${BASE_TAG}",
        2,
        "Default value for ARG node:${BASE_TAG} results in empty or invalid base image name",
    ),
    (
        "FromPlatformFlagConstDisallowed",
        "FROM --platform=linux/amd64 alpine AS build",
        1,
        'FROM --platform flag should not use constant value "linux/amd64"',
    ),
    (
        "InvalidDefinitionDescription",
        "# check=experimental=InvalidDefinitionDescription\n# compile the app\nFROM golang:1.22 AS build",
        3,
        "Comment for FROM should follow the format: `# build <description>`",
    ),
    (
        "ExposeProtoCasing",
        "FROM alpine\nEXPOSE 53/UDP",
        2,
        "Defined protocol '53/UDP' in EXPOSE instruction should be lowercase",
    ),
    (
        "ExposeInvalidFormat",
        "FROM alpine\nEXPOSE 8080:80",
        2,
        "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'",
    ),
]


def run(name: str, text: str, **options: object) -> list[tuple[int, str]]:
    (rule,) = [r for r in all_rules() if r.buildkit == name]
    found = lint(parse(text), LintConfig(select=(rule.code,)), LintOptions(**options))  # type: ignore[arg-type]
    return [(f.span.start.line + 1, f.message) for f in found]


@pytest.mark.parametrize(("name", "text", "line", "detail"), TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_buildkit_trigger(name: str, text: str, line: int, detail: str) -> None:
    assert (line, detail) in run(name, text)


def test_copy_ignored_file_trigger(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("secrets.env\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine\nCOPY secrets.env /app/\n")
    found = run("CopyIgnoredFile", dockerfile.read_text(), path=dockerfile)
    assert found == [(2, 'Attempting to Copy file "secrets.env" that is excluded by .dockerignore')]


def test_every_buildkit_check_has_a_rule() -> None:
    names = {r.buildkit for r in all_rules() if r.buildkit}
    covered = {t[0] for t in TRIGGERS} | {"CopyIgnoredFile", "InvalidBaseImagePlatform"}
    assert len(covered) == 22
    assert covered <= names
