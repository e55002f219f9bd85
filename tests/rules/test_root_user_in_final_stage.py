"""MSB203 root-user-in-final-stage."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB203"


def flagged(text: str, **options: object) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE, **options)]


FORGOT_TO_SWITCH_BACK = """\
FROM node:20-alpine
USER node
COPY --chown=node . /app
USER root
RUN apk add --no-cache curl
CMD ["node", "/app/main.js"]
"""


def test_catches_user_root_and_restores_the_earlier_user() -> None:
    (finding,) = findings(FORGOT_TO_SWITCH_BACK, CODE)
    assert finding.severity is Severity.WARNING
    assert finding.rule.hadolint == ("DL3002",)
    assert flagged(FORGOT_TO_SWITCH_BACK) == ["root"]
    assert finding.message == "final stage runs as root: the last USER is 'root'"
    assert finding.fix is not None and not finding.fix.safe
    assert fixed(FORGOT_TO_SWITCH_BACK, CODE) == FORGOT_TO_SWITCH_BACK.replace(
        "CMD", "USER node\nCMD"
    )


def test_catches_uid_zero_forms_and_args() -> None:
    for user in ("0", "0:0", "root:root", "root:staff"):
        text = f'FROM debian:12-slim\nUSER {user}\nCMD ["app"]\n'
        assert flagged(text) == [user], user
    text = 'ARG RUN_AS=0\nFROM debian:12-slim\nARG RUN_AS\nUSER ${RUN_AS}\nCMD ["app"]\n'
    (finding,) = findings(text, CODE)
    assert finding.message == "final stage runs as root: the last USER is '${RUN_AS}' ('0')"


def test_catches_user_root_inherited_from_a_base_stage() -> None:
    text = (
        "FROM python:3.12-slim AS base\n"
        "USER root\n"
        "FROM base\n"
        "COPY app.py /app.py\n"
        'CMD ["python", "/app.py"]\n'
    )
    (finding,) = findings(text, CODE)
    assert finding.span.start.line == 1
    # No earlier user: `nobody`, added to the final stage.
    assert fixed(text, CODE).endswith('USER nobody\nCMD ["python", "/app.py"]\n')


def test_fix_goes_after_a_late_user_root_and_keeps_indentation() -> None:
    text = 'FROM node:20-alpine\n  CMD ["node", "a.js"]\nUSER root\n'
    assert fixed(text, CODE) == text + "USER node\n"
    text = 'FROM gcr.io/distroless/base-debian12\nUSER root\n  ENTRYPOINT ["/app"]\n'
    assert fixed(text, CODE) == (
        'FROM gcr.io/distroless/base-debian12\nUSER root\n  USER nonroot\n  ENTRYPOINT ["/app"]\n'
    )


def test_checks_targets_named_elsewhere() -> None:
    text = 'FROM alpine:3.19 AS api\nUSER root\nCMD ["api"]\nFROM alpine:3.19\nCMD ["x"]\n'
    assert flagged(text) == []
    assert flagged(text, targets=("api",)) == ["root"]


def test_does_not_catch_non_root_builders_privilege_drop_or_windows() -> None:
    quiet = [
        'FROM node:20-alpine\nUSER root\nRUN apk add --no-cache curl\nUSER node\nCMD ["node"]\n',
        'FROM debian:12-slim\nUSER 1000:1000\nCMD ["app"]\n',
        'FROM alpine:3.19\nARG APP_USER\nUSER ${APP_USER}\nCMD ["app"]\n',  # unknown
        "FROM golang:1.22 AS build\nUSER root\nFROM scratch\nCOPY --from=build /a /a\n",
        # The entrypoint switches users with gosu or su-exec.
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y gosu\nUSER root\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["postgres"]\n',
        # Development stages.
        'FROM node:20 AS dev\nUSER root\nCMD ["npm", "run", "dev"]\n',
        # Windows has no root user.
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerAdministrator\n",
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
