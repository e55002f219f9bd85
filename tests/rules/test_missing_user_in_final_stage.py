"""MSB204 missing-user-in-final-stage."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB204"


def flagged(text: str, **options: object) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE, **options)]


GO_ON_ALPINE = """\
FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY . .
RUN go build -o /out/server .

FROM alpine:3.19
COPY --from=builder /out/server /server
ENTRYPOINT ["/server"]
"""


def test_catches_a_final_stage_without_user() -> None:
    (finding,) = findings(GO_ON_ALPINE, CODE)
    assert finding.severity is Severity.INFO
    assert flagged(GO_ON_ALPINE) == ["alpine:3.19"]
    assert finding.message == (
        "final stage runs as root: no USER is set and 'alpine:3.19' starts as root"
    )
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.title == "Add 'USER nobody' before the process starts"
    assert fixed(GO_ON_ALPINE, CODE) == GO_ON_ALPINE.replace(
        'ENTRYPOINT ["/server"]', 'USER nobody\nENTRYPOINT ["/server"]'
    )


def test_suggests_the_user_the_image_has() -> None:
    text = 'FROM node:20-slim\nCOPY . /app\nCMD ["node", "/app/a.js"]\n'
    assert fixed(text, CODE) == text.replace("CMD", "USER node\nCMD")
    text = 'FROM gcr.io/distroless/static-debian12\nCOPY a /a\nENTRYPOINT ["/a"]\n'
    assert fixed(text, CODE) == text.replace("ENTRYPOINT", "USER nonroot\nENTRYPOINT")


def test_appends_the_user_when_the_stage_has_no_command_of_its_own() -> None:
    # The command comes from an earlier stage of the chain.
    text = 'FROM python:3.12-slim AS base\nCMD ["gunicorn", "app:app"]\nFROM base\nCOPY app /app\n'
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["base"]
    assert parse(text).source.text_at(finding.related[0].span) == "python:3.12-slim"
    assert fixed(text, CODE) == text.rstrip("\n") + "\nUSER nobody\n"


def test_hedges_for_images_that_may_set_a_user() -> None:
    text = 'FROM example.com/team/base:1.4\nCMD ["app"]\n'
    (finding,) = findings(text, CODE)
    assert finding.message == (
        "final stage sets no USER: unless 'example.com/team/base:1.4' sets one, it runs as root"
    )


def test_checks_targets_named_elsewhere() -> None:
    text = 'FROM alpine:3.19 AS api\nCMD ["api"]\nFROM scratch\nCOPY --from=api /x /x\n'
    assert flagged(text) == []
    assert flagged(text, targets=("api",)) == ["alpine:3.19"]


def test_does_not_catch_users_nonroot_images_or_base_images() -> None:
    quiet = [
        'FROM alpine:3.19\nUSER nobody\nENTRYPOINT ["/server"]\n',
        'FROM node:20-alpine AS base\nUSER node\nFROM base\nCMD ["node", "a.js"]\n',
        'FROM scratch\nCOPY a /a\nENTRYPOINT ["/a"]\n',
        'FROM gcr.io/distroless/static-debian12:nonroot\nENTRYPOINT ["/a"]\n',
        'FROM cgr.dev/chainguard/node:latest\nCMD ["a.js"]\n',
        'FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled\nENTRYPOINT ["./app"]\n',
        # Privilege drop at start-up, as in official database images.
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y gosu\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["postgres"]\n',
        'FROM alpine:3.19\nRUN apk add --no-cache su-exec\nENTRYPOINT ["/start.sh"]\n',
        # Servers that start as root and run their workers as another user.
        'FROM nginx:1.27-alpine\nCOPY dist /usr/share/nginx/html\nCMD ["nginx", "-g", "daemon off;"]\n',
        'FROM php:8.3-fpm\nCMD ["php-fpm"]\n',
        # Images meant to be built upon: no command, or a shell/interpreter.
        "FROM node:20-alpine\nCOPY --from=busybox:1.36 /bin/wget /usr/local/bin/\n",
        'FROM python:3.12-slim\nCMD ["python3"]\n',
        'FROM alpine:3.19\nENTRYPOINT ["/docker-entrypoint.sh"]\n',
        'FROM debian:12-slim\nCMD ["bash"]\n',
        # Development stages, Windows, unknown images.
        'FROM node:20 AS development\nCMD ["npm", "run", "dev"]\n',
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD ["app.exe"]\n',
        'ARG BASE\nFROM ${BASE}\nCMD ["app"]\n',
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
