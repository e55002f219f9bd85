"""MSB102 mount-from-misspelled-stage."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB102"
MOUNT = "RUN --mount=type=bind,from={},source=/node_modules,target=/app/node_modules npm test\n"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_a_typo_in_mount_from() -> None:
    text = "FROM node:20 AS deps\nFROM node:20\n" + MOUNT.format("dpes")
    (finding,) = findings(text, CODE)
    assert finding.message == "'dpes' is not a stage; did you mean 'deps'?"
    assert finding.severity is Severity.ERROR
    assert flagged(text) == ["dpes"]
    assert (finding.span.start.line, finding.span.start.col) == (2, 27)
    assert fixed(text, CODE) == text.replace("dpes", "deps")


def test_catches_a_typo_in_a_cache_mount() -> None:
    text = "FROM alpine AS seeds\nFROM alpine\nRUN --mount=type=cache,from=sedes,target=/c true\n"
    assert flagged(text) == ["sedes"]


def test_does_not_catch_stages_case_variants_or_images() -> None:
    text = (
        "FROM node:20 AS deps\nFROM node:20\n"
        + MOUNT.format("deps")
        + MOUNT.format("DEPS")
        + MOUNT.format("node:20")
        + MOUNT.format("ghcr.io/org/deps")
    )
    assert flagged(text) == []


def test_does_not_catch_copy_from() -> None:
    # COPY --from is the business of copy-from-misspelled-stage.
    assert flagged("FROM alpine AS deps\nFROM alpine\nCOPY --from=dpes / /\n") == []


def test_does_not_catch_mounts_where_from_means_nothing() -> None:
    text = (
        "FROM alpine AS deps\nFROM alpine\n"
        "RUN --mount=type=secret,id=npm,from=dpes true\n"  # an error of its own (invalid-mount)
        "RUN --mount=type=tmpfs,from=dpes,target=/t true\n"
    )
    assert flagged(text) == []
