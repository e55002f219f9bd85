"""The candidates: stages, mounts, images and tags, keywords, flags, variables, directives."""

from __future__ import annotations

from typing import Any

import pytest

from msb_lsp.complete import ItemKind, complete
from msb_lsp.complete.knowledge import BUILDKIT_CHECKS, EXPERIMENTAL_CHECKS
from msb_lsp.images.catalog import Catalog, format_size, load_catalog
from msb_lsp.images.reference import parse_image_ref
from msb_lsp.model import Pos, Span
from msb_lsp.model.validate import MOUNT_KEYS
from tests.complete.support import at, labels, result


def _catalog() -> Catalog:
    def entry(size: int) -> dict[str, Any]:
        return {"platforms": {"linux/amd64": {"bytes": size}}}

    return Catalog(
        {
            "format": "msb-lsp-image-catalog",
            "header": {"sources": []},
            "images": {
                "golang": {"1.22": entry(300_000_000), "1.22-alpine": entry(80_000_000)},
                "node": {
                    "20": entry(400_000_000),
                    "20-slim": entry(70_000_000),
                    "20-alpine": entry(48_000_000),
                    "22": entry(410_000_000),
                    "22-alpine": entry(50_000_000),
                },
                "alpine": {"3.20": entry(3_600_000)},
            },
        }
    )


CATALOG = _catalog()


def items(text: str, trigger: str | None = None) -> dict[str, Any]:
    df, pos = at(text)
    found = complete(df, pos, trigger=trigger, catalog=CATALOG)
    assert found is not None, "expected candidates"
    return {c.label: c for c in found.items}


def ordered(text: str, trigger: str | None = None) -> list[str]:
    df, pos = at(text)
    found = complete(df, pos, trigger=trigger, catalog=CATALOG)
    if found is None:
        return []
    return [c.label for c in sorted(found.items, key=lambda c: (c.sort or "", c.label))]


STAGES = """\
FROM golang:1.22 AS builder
FROM alpine:3.20
FROM node:20 AS web
FROM builder AS tested
COPY --from=‸ /out /out
FROM node:20-alpine AS later
FROM alpine:3.20
"""


def test_copy_from_offers_only_earlier_stages() -> None:
    found = items(STAGES)
    assert set(found) == {"builder", "1", "web"}  # never `tested` (current), `later`, 5
    assert found["builder"].kind is ItemKind.STAGE
    assert found["builder"].detail == "stage 0 · FROM golang:1.22 · 300.0 MB"
    assert found["builder"].description == "300.0 MB"
    assert found["1"].detail == "stage 1 · FROM alpine:3.20 · 3.6 MB"
    assert "`golang:1.22`" in (found["builder"].documentation or "")
    # The nearest stage first.
    assert ordered(STAGES) == ["web", "1", "builder"]


def test_stage_built_on_a_stage_shows_the_root_image() -> None:
    text = STAGES.replace("COPY --from=‸ /out /out\nFROM node:20-alpine AS later\n", "") + (
        "COPY --from=‸ /a /b\n"
    )
    found = items(text)
    assert set(found) == {"builder", "1", "web", "tested"}
    assert found["tested"].detail == "stage 3 · FROM builder · 300.0 MB"
    assert "Built on stage `builder`" in (found["tested"].documentation or "")


def test_copy_from_in_the_first_stage_and_in_onbuild_gives_nothing() -> None:
    assert result("FROM a\nCOPY --from=‸ x y\n") is None
    assert result("FROM a AS b\nFROM c\nONBUILD COPY --from=‸ x y\n") is None
    assert result("FROM a AS b\nFROM c\nADD --from=‸ x y\n") is None  # ADD has no --from


def test_repeated_stage_names_are_offered_once() -> None:
    text = "FROM a AS b\nFROM c AS B\nFROM d\nCOPY --from=‸ x y\n"
    assert sorted(items(text)) == ["b"]


def test_mount_from_names_stages_only() -> None:
    text = "FROM a AS deps\nFROM b\nFROM c\nRUN --mount=type=bind,from=‸ x\n"
    assert set(items(text)) == {"deps"}  # `from=1` would be an image called "1"


@pytest.mark.parametrize("mount_type", ["cache", "bind", "tmpfs", "secret", "ssh"])
def test_mount_keys_follow_the_type(mount_type: str) -> None:
    found = items(f"FROM a\nRUN --mount=type={mount_type},‸\n")
    canonical = {k for k in MOUNT_KEYS[mount_type] if k not in {"src", "dst", "destination"}}
    canonical -= {"ro", "rw", "type"}
    assert set(found) == canonical


def test_mount_keys_already_written_are_not_offered() -> None:
    found = items("FROM a\nRUN --mount=type=cache,dst=/x,ro,‸\n")
    assert "target" not in found and "readonly" not in found
    assert "readwrite" not in found  # readonly and readwrite exclude each other
    assert {"id", "sharing"} <= set(found)
    assert found["id"].insert == "id="
    assert items("FROM a\nRUN --mount=type=secret,‸\n")["required"].insert == "required"


def test_mount_without_type_puts_type_first() -> None:
    assert ordered("FROM a\nRUN --mount=‸\n", trigger="=")[0] == "type"


def test_mount_values() -> None:
    assert set(items("FROM a\nRUN --mount=type=‸\n")) == {"cache", "bind", "tmpfs", "secret", "ssh"}
    assert set(items("FROM a\nRUN --mount=type=cache,sharing=‸\n")) == {
        "shared",
        "private",
        "locked",
    }
    targets = items("FROM a\nRUN --mount=type=cache,target=‸\n")
    assert "/root/.cache/pip" in targets and "/go/pkg/mod" in targets
    assert result("FROM a\nRUN --mount=type=bind,target=‸\n") is None


def test_from_offers_earlier_stages_then_images() -> None:
    text = "FROM golang:1.22 AS builder\nFROM node:20\nFROM ‸\n"
    names = ordered(text, trigger=" ")
    assert names[0] == "builder"
    assert names.index("scratch") < names.index("alpine") < names.index("node")
    assert "--platform" in names
    found = items(text)
    assert found["node"].description == format_size(48_000_000)
    assert "1" not in found  # FROM cannot name a stage by index


def test_from_tags_with_sizes_runtime_variants_first() -> None:
    found = items("FROM node:‸\n", trigger=":")
    assert found["20-alpine"].description == "48.0 MB"
    assert found["20-alpine"].detail == "node:20-alpine · 48.0 MB"
    assert ordered("FROM node:‸\n") == ["22-alpine", "22", "20-alpine", "20-slim", "20"]
    assert "final stage" in (found["20-alpine"].documentation or "")
    assert "Build image" in (found["20"].documentation or "")
    assert "Build image" in (items("FROM golang:‸\n")["1.22-alpine"].documentation or "")


def test_tags_in_the_shipping_stage_put_runtime_variants_first() -> None:
    text = "FROM node:22 AS build\nFROM node:‸\n"
    assert ordered(text) == ["22-alpine", "20-alpine", "20-slim", "22", "20"]


def test_tags_of_a_fully_qualified_name() -> None:
    df, pos = at("FROM docker.io/library/node:20-‸ AS x\n")
    found = complete(df, pos, catalog=CATALOG)
    assert found is not None and "20-alpine" in {c.label for c in found.items}
    assert found.insert == Span(Pos(0, 28), pos)


def test_tags_from_the_packaged_catalog_carry_its_sizes() -> None:
    catalog = load_catalog()
    df, pos = at("FROM python:‸\n")
    found = complete(df, pos)
    assert found is not None
    by_label = {c.label: c for c in found.items}
    assert list(by_label) == catalog.tags("python")
    ref = parse_image_ref(f"python:{next(iter(by_label))}")
    assert ref is not None
    match = catalog.lookup(ref)
    assert match is not None and match.preferred() is not None
    first = next(iter(by_label.values()))
    assert first.description == format_size(match.preferred().compressed_bytes)  # type: ignore[union-attr]


def test_as_keyword_follows_the_from_casing() -> None:
    assert list(items("FROM node:20 ‸\n", trigger=" ")) == ["AS"]
    assert list(items("from node:20 ‸\n", trigger=" ")) == ["as"]
    assert result("FROM node:20 AS x ‸\n", trigger=" ") is None


def test_stage_names_not_yet_used() -> None:
    text = "FROM golang AS builder\nFROM alpine AS ‸\n"
    names = ordered(text, trigger=" ")
    assert "builder" not in names
    assert names[:2] == ["production", "runner"]  # the last stage ships
    first = ordered("FROM golang AS ‸\nFROM alpine AS runner\n", trigger=" ")
    assert "runner" not in first and first[0] == "base"


def test_keywords_with_snippets_and_plain_text() -> None:
    found = items("FROM a\n‸\n")
    assert found["FROM"].snippet == "FROM ${1:image} AS ${2:name}"
    assert found["FROM"].insert == "FROM "
    assert found["MAINTAINER"].deprecated
    assert found["RUN"].documentation
    replacing = items("FROM a\nCO‸PY x y\n")
    assert replacing["COPY"].insert == "COPY" and replacing["COPY"].snippet is None


def test_keywords_before_the_first_from() -> None:
    assert ordered("‸\n")[:2] == ["FROM", "ARG"]


def test_keywords_follow_a_lower_case_file() -> None:
    found = items("from alpine as base\nrun echo\n‸\n")
    assert "run" in found and "RUN" not in found
    assert found["from"].snippet == "from ${1:image} as ${2:name}"


def test_onbuild_offers_only_allowed_triggers() -> None:
    found = items("FROM a\nONBUILD ‸\n")
    assert "RUN" in found and "COPY" in found
    assert not {"ONBUILD", "FROM", "MAINTAINER"} & set(found)


def test_flags_of_each_instruction() -> None:
    assert set(items("FROM a AS b\nFROM c\nCOPY --‸\n")) == {
        "--from",
        "--chown",
        "--chmod",
        "--link",
        "--parents",
        "--exclude",
    }
    add = items("FROM a\nADD -‸\n", trigger="-")
    assert {"--checksum", "--keep-git-dir", "--link"} <= set(add) and "--from" not in add
    assert add["--link"].insert == "--link" and add["--checksum"].insert == "--checksum="
    run = items("FROM a\nRUN --‸\n")
    assert {"--mount", "--network", "--security"} <= set(run)
    assert run["--mount=type=cache"].insert == "--mount=type=cache,target="
    assert set(items("FROM --‸ a\n")) == {"--platform"}


def test_used_flags_are_not_offered_again_unless_repeatable() -> None:
    found = items("FROM a AS b\nFROM c\nCOPY --from=b --exclude=x --‸ /a /b\n")
    assert "--from" not in found and "--exclude" in found
    assert "--mount" in items("FROM a\nRUN --mount=type=cache,target=/x --‸ make\n")


def test_flag_name_before_an_equals_sign_is_inserted_without_one() -> None:
    assert items("FROM a\nCOPY --ch‸=1 x y\n")["--chown"].insert == "--chown"


def test_flag_values() -> None:
    platform = ordered("FROM --platform=‸ a\n", trigger="=")
    assert platform[:2] == ["$BUILDPLATFORM", "$TARGETPLATFORM"]
    assert {"linux/amd64", "linux/arm64"} <= set(platform)
    assert set(items("FROM a\nRUN --network=‸ x\n")) == {"default", "none", "host"}
    assert set(items("FROM a\nRUN --security=‸ x\n")) == {"sandbox", "insecure"}
    assert set(items("FROM a\nCOPY --link=‸ x y\n")) == {"true", "false"}
    assert result("FROM a\nCOPY --chown=‸ x y\n") is None


def test_flags_offered_where_arguments_start() -> None:
    assert "--from" in items("FROM a AS b\nFROM c\nCOPY ‸\n", trigger=" ")
    assert result("FROM a\nCOPY x ‸\n", trigger=" ") is None
    assert result("FROM a\nRUN make ‸\n", trigger=" ") is None
    assert set(items("FROM a\nHEALTHCHECK --interval=5s ‸\n", trigger=" ")) >= {"CMD", "NONE"}


def test_variables_in_a_stage() -> None:
    text = (
        "ARG GO=1.22\n"
        "FROM golang:${GO} AS builder\n"
        "ARG GO\n"
        "ARG TARGETOS\n"
        "ENV CGO_ENABLED=0\n"
        "RUN echo ${‸\n"
        "ENV LATER=1\n"
    )
    found = items(text, trigger="{")
    assert {"GO", "TARGETOS", "CGO_ENABLED"} <= set(found)
    assert "LATER" not in found
    assert found["CGO_ENABLED"].insert == "CGO_ENABLED}"
    assert found["GO"].detail == "ARG = 1.22"
    assert found["CGO_ENABLED"].detail == "ENV = 0"
    # A platform ARG the stage has not declared: choosing it declares it after FROM.
    arch = found["TARGETARCH"]
    assert arch.edits and arch.edits[0].span == Span(Pos(1, 28), Pos(1, 28))
    assert arch.edits[0].text == "\nARG TARGETARCH"
    assert not found["TARGETOS"].edits
    assert ordered(text, trigger="{").index("CGO_ENABLED") < ordered(text).index("TARGETARCH")


def test_declaring_a_platform_arg_keeps_crlf_and_casing() -> None:
    found = items("from alpine\r\nrun echo $‸\r\n", trigger="$")
    assert found["TARGETARCH"].edits[0].text == "\r\narg TARGETARCH"


def test_variables_in_from_lines_are_global() -> None:
    text = "ARG BASE=alpine\nARG TAG=3.20\nFROM ${‸}\nARG LOCAL=1\nARG AFTER=2\n"
    found = items(text)
    assert {"BASE", "TAG", "TARGETPLATFORM", "BUILDPLATFORM"} <= set(found)
    assert "LOCAL" not in found and "AFTER" not in found
    assert found["BASE"].insert == "BASE"  # the `}` is already there
    assert not found["TARGETPLATFORM"].edits
    above = items("ARG A=1\nARG B=$‸\nARG C=3\nFROM x\n")
    assert "A" in above and "C" not in above


def test_runtime_commands_see_only_env() -> None:
    found = items("FROM a\nARG BUILD_ONLY=1\nENV PORT=8080\nCMD node server.js --port $‸\n")
    assert set(found) == {"PORT"}


def test_arg_names_to_declare_in_a_stage() -> None:
    text = "ARG NODE=20\nARG DEBUG\nFROM node:${NODE}\nARG DEBUG\nARG ‸\n"
    found = items(text, trigger=" ")
    assert "NODE" in found and "DEBUG" not in found
    assert found["NODE"].detail == "global ARG = 20"
    assert "TARGETARCH" in found
    assert result("ARG ‸\nFROM a\n", trigger=" ") is None


def test_directives_values_and_checks() -> None:
    assert set(items("# ‸\nFROM a\n", trigger=" ")) == {"syntax", "escape", "check"}
    assert set(items("# syntax=docker/dockerfile:1\n# ‸\nFROM a\n")) == {"escape", "check"}
    assert items("# ‸\nFROM a\n")["check"].insert == "check="
    assert "docker/dockerfile:1" in items("# syntax=‸\nFROM a\n")
    assert set(items("# escape=‸\nFROM a\n")) == {"\\", "`"}
    assert set(items("# check=‸\nFROM a\n")) == {"skip", "error", "experimental"}
    assert set(items("# check=error=‸\nFROM a\n")) == {"true", "false"}


def test_check_names_after_skip() -> None:
    found = items("# check=skip=StageNameCasing,‸\nFROM a\n")
    assert "StageNameCasing" not in found
    assert set(BUILDKIT_CHECKS) - {"StageNameCasing"} <= set(found)
    assert "all" in found and found["FromAsCasing"].kind is ItemKind.CHECK
    experimental = items("# check=experimental=‸\nFROM a\n")
    assert set(experimental) == {"all", *EXPERIMENTAL_CHECKS}
    assert result("# check=skip=all,‸\nFROM a\n") is None


def test_check_names_include_our_rules_buildkit_names() -> None:
    from msb_lsp.rules import all_rules

    names = {r.buildkit for r in all_rules() if r.buildkit}
    found = items("FROM a\n# check=skip=‸\nRUN x\n")
    assert names <= set(found)


def test_healthcheck_and_stopsignal_arguments() -> None:
    assert set(items("FROM a\nHEALTHCHECK ‸\n", trigger=" ")) >= {"CMD", "NONE", "--interval"}
    assert "SIGTERM" in items("FROM a\nSTOPSIGNAL ‸\n", trigger=" ")


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("FROM a\nRUN apt-‸\n", "-"),
        ("FROM a\nENV A=‸\n", "="),
        ("FROM a\nCOPY a:‸ b\n", ":"),
        ("FROM a\nRUN {‸\n", "{"),
        ("FROM a\nWORKDIR /app ‸\n", " "),
        ("FROM a\nEXPOSE 80 ‸\n", " "),
        ("FROM a\nUSER ‸\n", " "),
    ],
)
def test_no_noise_where_nothing_applies(text: str, trigger: str) -> None:
    assert labels(text, trigger) == []


def test_a_large_file_answers_from_the_cursor_instruction_only() -> None:
    stages = [f"FROM alpine:3.20 AS s{i}\nRUN echo {i}\n" for i in range(40)]
    stages.insert(20, "FROM alpine:3.20\nCOPY --from=‸ /a /b\n")
    found = items("".join(stages))
    assert set(found) == {f"s{i}" for i in range(20)}


TRICKY = [
    "\ufeff# syntax=docker/dockerfile:1\r\n"
    "# check=skip=StageNameCasing;error=true\r\n"
    "ARG BASE=node:20-alpine\r\n"
    "FROM --platform=$BUILDPLATFORM ${BASE} AS deps\r\n"
    "RUN --mount=type=cache,target=/root/.npm,sharing=locked \\\r\n"
    "    # a comment inside\r\n"
    "\r\n"
    "    npm ci && echo \"é🐳 ${HOME:-/x}\" '$NOPE'\r\n"
    "COPY <<EOF /etc/x\r\n"
    "COPY --from=deps /a /b\r\n"
    "EOF\r\n"
    "FROM deps AS build\r\n"
    "ONBUILD COPY --from=deps --chown=$U /a /b\r\n"
    'CMD ["node", "$X"]\r\n'
    'LABEL a="unterminated\r\n'
    "\tfrom scratch as Final\r\n"
    "COPY --exclude=*.md --link --from=0 --from=build /a /b\r\n"
    "HEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\r\n",
    "# escape=`\n"
    "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\n"
    "RUN dir C:\\ && `\n"
    "    echo $env:PATH\n"
    "FROM mcr.microsoft.com/dotnet/aspnet:8.0\n"
    "COPY --from=build `\n"
    "  C:/app C:/app\n"
    "RUN <<-EOT bash\n"
    "\techo ${TARGETARCH}\n"
    "\tEOT\n",
]


@pytest.mark.parametrize("text", TRICKY, ids=["crlf-bom", "backtick"])
def test_every_position_answers_within_the_cursor_line(text: str) -> None:
    from msb_lsp.model import parse

    df = parse(text)
    answered = 0
    for line_no, line in enumerate(df.lines):
        for col in range(len(line) + 1):
            pos = Pos(line_no, col)
            for trigger in (None, " ", "=", "$", "-"):
                found = complete(df, pos, trigger=trigger, catalog=CATALOG)
                if found is None:
                    continue
                answered += 1
                assert found.items
                assert found.insert.start.line == found.insert.end.line == line_no
                assert found.insert.end == pos
                assert found.replace.start == found.insert.start
                assert found.replace.end.line == line_no and found.replace.end >= pos
                assert found.insert.start.col >= (1 if line_no == 0 and df.source.has_bom else 0)
    assert answered > 50
