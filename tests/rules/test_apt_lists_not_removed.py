"""MSB206 apt-lists-not-removed."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB206"


def flagged(text: str, **options: object) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE, **options)]


def test_catches_update_without_cleanup_and_appends_it() -> None:
    text = (
        "FROM debian:12-slim\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends ca-certificates\n"
    )
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.INFO
    assert finding.rule.hadolint == ("DL3009",)
    assert flagged(text) == ["apt-get update"]
    assert finding.message == (
        "'apt-get update' leaves the package lists in /var/lib/apt/lists in the final image: "
        "remove them in the same RUN"
    )
    assert finding.fix is not None and finding.fix.safe
    assert fixed(text, CODE) == text.replace(
        "ca-certificates\n", "ca-certificates && rm -rf /var/lib/apt/lists/*\n"
    )


def test_fix_after_a_trailing_semicolon_and_apt() -> None:
    text = "FROM ubuntu:24.04\nRUN set -eux; apt update; apt install -y curl;\n"
    assert flagged(text) == ["apt update"]
    assert fixed(text, CODE) == text.replace("curl;", "curl; rm -rf /var/lib/apt/lists/*")


def test_no_fix_where_appending_is_not_safe() -> None:
    for text in (
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl # tools\n",
        '["apt-get", "update"]',
        "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
    ):
        if not text.startswith("FROM"):
            text = f"FROM debian:12\nRUN {text}\n"
        (finding,) = findings(text, CODE)
        assert finding.fix is None, text


def test_catches_a_base_stage_of_the_final_stage_and_targets() -> None:
    text = "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nCMD ['app']\n"
    assert [f.span.start.line for f in findings(text, CODE)] == [1]
    text = "FROM debian:12 AS api\nRUN apt-get update\nFROM scratch\n"
    assert flagged(text) == []
    assert flagged(text, targets=("api",)) == ["apt-get update"]


def test_does_not_catch_cleaned_mounted_or_builder_runs() -> None:
    quiet = [
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl "
        "&& rm -rf /var/lib/apt/lists/*\n",
        "FROM debian:12\nRUN apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists\n",
        "FROM debian:13\nRUN apt-get update && apt-get install -y curl && apt-get distclean\n",
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists "
        "apt-get update && apt-get install -y curl\n",
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked "
        "apt-get update && apt-get install -y curl\n",
        # Builder stages do not ship.
        "FROM debian:12 AS build\nRUN apt-get update\nFROM scratch\nCOPY --from=build /a /a\n",
        "FROM debian:12\nRUN apt-get install -y ./local.deb\n",
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
