"""No crash and sane output over every real-world Dockerfile of ../shared/corpus."""

from __future__ import annotations

import pytest

from msb_lsp.cli.files import InputError, read_dockerfile
from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model import parse
from tests.support.paths import SHARED


def _files() -> list[str]:
    if SHARED is None:
        return []
    return sorted(p.name for p in (SHARED / "corpus").iterdir() if p.name != "MANIFEST.tsv")


@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
@pytest.mark.parametrize("name", _files())
def test_every_rule_runs_without_crashing(name: str, caplog: pytest.LogCaptureFixture) -> None:
    assert SHARED is not None
    try:
        text = read_dockerfile(SHARED / "corpus" / name)
    except InputError:
        pytest.skip("not a text Dockerfile")
    df = parse(text)
    findings = lint(df, LintConfig(select=("all",)))
    # lint() survives a failing rule by logging it: here that is a failure.
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    end = df.source.end()
    for f in findings:
        assert f.span.start <= f.span.end <= end, f


def _official() -> list[str]:
    if SHARED is None:
        return []
    import csv

    with (SHARED / "corpus" / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        return sorted(
            r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["set"] == "official"
        )


@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
@pytest.mark.parametrize("name", _official())
def test_official_images_have_no_error_finding(name: str) -> None:
    # The docker-library Dockerfiles are carefully written and build: an error here would be
    # a false positive.
    assert SHARED is not None
    df = parse(read_dockerfile(SHARED / "corpus" / name))
    errors = [(f.code, f.message) for f in lint(df) if f.severity.value == "error"]
    assert errors == []
