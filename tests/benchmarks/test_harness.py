"""The benchmark harness's own logic: statistics, verdicts, edits, the client, a session.

Nothing here depends on how fast anything is: sessions run against a scripted fake server.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from benchmarks import check_corpus, run
from benchmarks import gen_dockerfiles as gen
from benchmarks.lspclient import (
    LspClient,
    LspError,
    encode,
    lookup_setting,
    read_message,
    utf16_index,
)

FAKE_SERVER = Path(__file__).with_name("fake_server.py")


def test_percentile_nearest_rank() -> None:
    values = list(range(1, 21))  # 1..20
    assert run.percentile(values, 95) == 19
    assert run.percentile(values, 50) == 10
    assert run.percentile([7.0], 95) == 7.0
    assert run.percentile(list(range(1, 31)), 95) == 29


def test_summarize() -> None:
    stats = run.summarize([5.0, 1.0, 3.0])
    assert stats is not None
    assert stats["median"] == 3.0 and stats["first"] == 5.0 and stats["n"] == 3
    assert stats["min"] == 1.0 and stats["max"] == 5.0
    assert run.summarize([]) is None


def test_aims_and_verdicts() -> None:
    change = run.METRIC_BY_KEY["change"]
    memory = run.METRIC_BY_KEY["memory"]
    cold = run.METRIC_BY_KEY["cold_start"]
    assert run.aim_for(change, 15) == 1.0
    assert run.aim_for(change, 3000) == 0.2
    assert run.aim_for(memory, 3000) == 1.0
    assert run.aim_for(cold, 15) is None
    assert run.verdict(change, 0.2, 0.2) == "ok"
    assert run.verdict(change, 0.25, 0.2) == "MISS"
    assert run.verdict(memory, 1.0, 1.0) == "MISS"
    assert run.verdict(memory, 0.5, 1.0) == "ok"
    assert run.verdict(cold, 3.0, None) == "info"
    assert run.verdict(change, None, 1.0) == "n/a"
    assert run.ratio(1.0, 0.0) is None and run.ratio(None, 1.0) is None


def test_edit_cycle_restores_the_text() -> None:
    sample = gen.large()
    doc = run.Document("file:///x", sample.text)
    edits = run.edit_cycle(sample)
    seen = set()
    for _ in range(8):
        rng, text = next(edits)
        before = doc.text
        doc.apply(rng, text)
        assert doc.text != before  # every edit really changes the content
        seen.add(doc.text)
    assert doc.text == sample.text and doc.version == 9
    assert len(seen) == 4  # inserted comments differ between rounds
    name_end = sample.positions[gen.POS_STAGE_NAME_END]
    typed = run.Document("file:///x", sample.text)
    typed.apply({"start": name_end.lsp(), "end": name_end.lsp()}, "x")
    assert typed.text.split("\n")[name_end.line].endswith("x")


def test_utf16_index() -> None:
    assert utf16_index("a🐳b", 3) == 2
    assert utf16_index("größe", 3) == 3
    assert utf16_index("ab", 10) == 2


def test_framing_round_trip() -> None:
    stream = io.BytesIO(encode({"id": 1, "result": "größe"}) + encode({"method": "x"}))
    assert read_message(stream) == {"id": 1, "result": "größe"}
    assert read_message(stream) == {"method": "x"}
    assert read_message(stream) is None


def test_lookup_setting() -> None:
    settings = {"msb_lsp": {"registry": {"enabled": False}}, "a.b": 1}
    assert lookup_setting(settings, "msb_lsp.registry") == {"enabled": False}
    assert lookup_setting(settings, "a.b") == 1
    assert lookup_setting(settings, "missing") is None
    assert lookup_setting(None, "msb_lsp") is None


def test_code_action_picks_a_range_with_diagnostics() -> None:
    sample = gen.small()
    line = sample.action_lines[0]
    diag = {"range": sample.line_range(line), "message": "lowercase"}
    other = {"range": sample.line_range(0), "message": "elsewhere"}
    params, where = run.code_action_params(sample, "file:///d", [other, diag])
    assert params["range"] == sample.line_range(line)
    assert params["context"]["diagnostics"] == [diag]
    assert "planted" in where
    params, where = run.code_action_params(sample, "file:///d", [other])
    assert params["context"]["diagnostics"] == [other] and "first diagnostic" in where
    params, where = run.code_action_params(sample, "file:///d", [])
    assert params["context"]["diagnostics"] == [] and "no diagnostic" in where


def test_client_answers_server_requests() -> None:
    client = LspClient(
        [sys.executable, str(FAKE_SERVER)], settings={"fake": {"lint": {"level": "high"}}}
    )
    try:
        client.initialize(None, timeout=30)
        client.wait_for(lambda m: m.method == "fake/unknownRequest", 0, 30)
        uri = "file:///tmp/Dockerfile"
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": "x"}},
        )
        client.wait_for_diagnostics(uri, 1, 0, 30)
        hover, _ = client.request("textDocument/hover", {}, 30)
        assert hover["contents"]["value"] == (
            '[[{"level": "high"}, null], null, {"code": -32601, '
            '"message": "unhandled method fake/unknownRequest"}]'
        )
        with pytest.raises(LspError) as info:
            client.request("textDocument/definition", {}, 30)
        assert info.value.code == -32601
        assert client.peak_memory()["total_kb"] > 0
    finally:
        result = client.close(30)
    assert result["clean"] and result["exit_code"] == 0


def test_session_against_fake_server(tmp_path) -> None:
    spec = run.ServerSpec("msb-lsp", [sys.executable, str(FAKE_SERVER)])
    opts = run.Options(iterations=3, cold_starts=1, timeout=30)
    session = run.run_session(spec, gen.small(), tmp_path, opts)
    assert session["failures"] == []
    metrics = session["metrics"]
    for key in ("open", "change", "completion", "hover_image", "hover_stage", "code_action"):
        assert metrics[key]["status"] == "ok", key
        assert metrics[key]["stats"]["n"] >= 3
    assert metrics["change"]["matched_by_version"] == 4 and metrics["change"]["restored"]
    assert metrics["definition"]["status"] == "n/a"  # the fake server answers with an error
    assert "-32601" in metrics["definition"]["reason"]
    assert metrics["completion"]["result"] == "2 items: build, deps"
    assert metrics["code_action"]["result"] == "1 actions: fix 1"
    assert metrics["memory"]["mb"] > 0
    assert session["shutdown"]["clean"]
    assert sorted(session["server_requests"]) == [
        "client/registerCapability",
        "fake/unknownRequest",
        "workspace/configuration",
    ]


def test_table_with_two_servers(tmp_path) -> None:
    specs = [
        run.ServerSpec("msb-lsp", [sys.executable, str(FAKE_SERVER)]),
        run.ServerSpec("node", [sys.executable, str(FAKE_SERVER)]),
    ]
    opts = run.Options(iterations=1, cold_starts=1, timeout=30)
    report = run.run(specs, [gen.small()], opts, lambda _: None)
    rows = report["table"]
    assert [row["metric"] for row in rows] == [m.key for m in run.METRICS]
    by_metric = {row["metric"]: row for row in rows}
    assert by_metric["cold_start"]["verdict"] == "info"
    assert by_metric["definition"]["verdict"] == "n/a"
    assert by_metric["change"]["aim"] == 1.0
    assert by_metric["change"]["verdict"] in {"ok", "MISS"}
    text = run.format_table(rows, ["msb-lsp", "node"])
    assert "ratio med" in text and "didChange -> diagnostics" in text


def test_unknown_server_binary_is_reported_not_raised(tmp_path) -> None:
    spec = run.ServerSpec("node", [str(tmp_path / "no-such-server"), "--stdio"])
    opts = run.Options(iterations=1, cold_starts=1, timeout=5)
    report = run.run([spec], [gen.small()], opts, lambda _: None)
    node = report["servers"]["node"]
    assert node["cold_start"]["status"] == "n/a"
    assert node["files"]["small"]["metrics"]["change"]["status"] == "n/a"


def test_corpus_file_list(tmp_path) -> None:
    (tmp_path / "MANIFEST.tsv").write_text("file\trepository\nb\tx/y\na\tx/y\ngone\tx/y\n")
    (tmp_path / "a").write_text("FROM alpine\n")
    (tmp_path / "b").write_text("FROM alpine\n")
    assert check_corpus.corpus_files(tmp_path) == ["b", "a"]
    (tmp_path / "MANIFEST.tsv").unlink()
    (tmp_path / "README.md").write_text("x")
    assert check_corpus.corpus_files(tmp_path) == ["a", "b"]
    tool = check_corpus.Tool("t", ["lint"])
    assert check_corpus.invocations(tool, ["a", "b"], "batch") == [["lint", "a", "b"]]
    assert check_corpus.invocations(tool, ["a", "b"], "per-file") == [["lint", "a"], ["lint", "b"]]
