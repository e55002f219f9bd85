"""One iteration of the benchmark against the real msb-lsp server (no timing asserted)."""

from __future__ import annotations

import pytest

from benchmarks import gen_dockerfiles as gen
from benchmarks import run

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report() -> dict:
    server = pytest.importorskip("msb_lsp.server", reason="the msb-lsp server does not exist yet")
    if getattr(server, "__file__", None) is None:  # an empty folder imports as a namespace
        pytest.skip("the msb-lsp server does not exist yet")
    pytest.importorskip("msb_lsp.cli.main", reason="`python -m msb_lsp` has no entry point yet")
    opts = run.Options(iterations=1, cold_starts=1, timeout=60)
    return run.run([run.msb_spec("default")], [gen.small()], opts, lambda _: None)


def test_harness_drives_msb_lsp(report: dict) -> None:
    server = report["servers"]["msb-lsp"]
    assert server["cold_start"]["status"] == "ok", server["cold_start"]
    session = server["files"]["small"]
    assert session["failures"] == [], session.get("stderr_tail")
    assert session["shutdown"]["clean"], session["shutdown"]
    metrics = session["metrics"]
    assert metrics["open"]["status"] == "ok"
    assert metrics["change"]["status"] == "ok"
    assert metrics["change"]["restored"]
    assert metrics["memory"]["mb"] > 0
    for key in ("completion", "hover_image", "hover_stage", "definition", "code_action"):
        assert metrics[key]["status"] in {"ok", "n/a"}


def test_table_renders(report: dict) -> None:
    text = run.format_table(report["table"], ["msb-lsp"])
    assert "didChange -> diagnostics" in text
