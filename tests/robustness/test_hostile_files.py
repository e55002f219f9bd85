"""Hostile files through the CLI (`msb-lsp check`) and through a live server (didOpen, then
diagnostics, hover, completion, symbols, semantic tokens and the other document requests):
each is answered within `BOUND_S` or refused with a clear message, with the process's peak
resident memory under `MAX_RSS_KB`, and never with a traceback.

Times are printed (`pytest -s`); they are bounds for robustness, not benchmarks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.checks import Sent, ServerFacts, answer_problems, publish_problems
from tests.fuzz.harness import PROFILES, FuzzClient
from tests.fuzz.textmodel import TextModel
from tests.robustness.hostile import BINARY, BOUND_S, FILES, MAX_RSS_KB, Hostile

pytestmark = pytest.mark.e2e

ENV = {"MSB_LSP_OFFLINE": "1"}


def run_cli(
    args: list[str], tmp_path: Path, stdin: bytes | None = None
) -> tuple[int, str, float, int]:
    """(exit status, stderr, seconds, peak RSS in KB) of `msb-lsp check ...`."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    stdin_path = tmp_path / "stdin"
    stdin_path.write_bytes(stdin or b"")
    with out.open("wb") as o, err.open("wb") as e, stdin_path.open("rb") as i:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "msb_lsp", "check", "--no-config", *args],
            stdin=i,
            stdout=o,
            stderr=e,
            env={**os.environ, **ENV},
        )
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > 3 * BOUND_S:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        elapsed = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    return proc.returncode, err.read_text(errors="replace"), elapsed, usage.ru_maxrss


@pytest.mark.parametrize("hostile", FILES, ids=[f.name for f in FILES])
def test_cli_answers_or_refuses(hostile: Hostile, tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(hostile.make(), encoding="utf-8", newline="")
    status, stderr, elapsed, rss = run_cli(["--format", "json", str(path)], tmp_path)
    print(f"\nCLI {hostile.name}: exit {status} in {elapsed:.2f} s, peak {rss // 1024} MB")
    assert "Traceback" not in stderr, stderr[-3000:]
    assert elapsed < BOUND_S, f"{hostile.name}: {elapsed:.1f} s"
    assert rss < MAX_RSS_KB, f"{hostile.name}: peak {rss // 1024} MB"
    if hostile.refused_by_cli:
        assert status == 2
        assert stderr.strip() == (
            f"{path}: file too large ({path.stat().st_size / 1e6:.1f} MB; the limit is 2 MB)"
        )
        return
    if hostile.binary_for_cli:
        assert status == 2
        assert stderr.strip() == f"{path}: binary file (it contains NUL bytes), not a Dockerfile"
        return
    assert status in (0, 1), stderr[-3000:]
    report = json.loads((tmp_path / "stdout").read_text())
    assert isinstance(report, (list, dict))


def test_cli_refuses_huge_standard_input(tmp_path: Path) -> None:
    data = FILES[0].make().encode()
    status, stderr, elapsed, _ = run_cli(["-"], tmp_path, stdin=data)
    assert status == 2 and elapsed < BOUND_S
    assert stderr.strip().startswith("<stdin>: file too large (10.5 MB; the limit is 2 MB)")


@pytest.mark.parametrize("name", sorted(BINARY))
def test_cli_refuses_what_is_not_text(name: str, tmp_path: Path) -> None:
    data, message = BINARY[name]
    path = tmp_path / "Dockerfile"
    path.write_bytes(data)
    status, stderr, elapsed, _ = run_cli([str(path)], tmp_path)
    assert status == 2, stderr
    assert elapsed < BOUND_S
    assert stderr.startswith(f"{path}: {message}"), stderr
    assert len(stderr.strip().splitlines()) == 1, stderr  # one line, no traceback
    # The same bytes on standard input.
    status, stderr, _, _ = run_cli(["-", "--stdin-filename", "Dockerfile"], tmp_path, stdin=data)
    assert status == 2 and stderr.startswith(f"Dockerfile: {message}"), stderr


# -- the server ----------------------------------------------------------------------------


def _requests(
    uri: str, model: TextModel
) -> list[tuple[str, dict[str, Any], tuple[int, int] | None]]:
    """What an editor asks right after opening a file, at places that mean something in it."""
    doc = {"uri": uri}
    last = len(model.lines) - 1
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": last, "character": 0}}
    first_line = model.lines[0]
    hover_at = (0, min(6, first_line.width))
    complete_at = (min(1, last), 0)
    return [
        ("textDocument/hover", {"textDocument": doc, "position": _p(hover_at)}, hover_at),
        (
            "textDocument/completion",
            {"textDocument": doc, "position": _p(complete_at), "context": {"triggerKind": 1}},
            complete_at,
        ),
        ("textDocument/documentSymbol", {"textDocument": doc}, None),
        ("textDocument/semanticTokens/full", {"textDocument": doc}, None),
        ("textDocument/foldingRange", {"textDocument": doc}, None),
        ("textDocument/documentLink", {"textDocument": doc}, None),
        ("textDocument/codeLens", {"textDocument": doc}, None),
        ("textDocument/inlayHint", {"textDocument": doc, "range": whole}, None),
        ("textDocument/diagnostic", {"textDocument": doc}, None),
        (
            "textDocument/codeAction",
            {"textDocument": doc, "range": whole, "context": {"diagnostics": []}},
            None,
        ),
        ("textDocument/definition", {"textDocument": doc, "position": _p(hover_at)}, hover_at),
        (
            "textDocument/references",
            {
                "textDocument": doc,
                "position": _p(hover_at),
                "context": {"includeDeclaration": True},
            },
            hover_at,
        ),
    ]


def _p(position: tuple[int, int]) -> dict[str, int]:
    return {"line": position[0], "character": position[1]}


@pytest.mark.parametrize("hostile", FILES, ids=[f.name for f in FILES])
def test_server_answers_or_declines(hostile: Hostile, tmp_path: Path) -> None:
    profile = PROFILES[0]
    client = FuzzClient([sys.executable, "-m", "msb_lsp"], env=ENV)
    try:
        result, _ = client.initialize(tmp_path, BOUND_S, capabilities=profile.capabilities())
        caps = result["capabilities"]
        legend = caps["semanticTokensProvider"]["legend"]
        uri = (tmp_path / "Dockerfile").as_uri()
        facts = ServerFacts(
            uri,
            frozenset(caps["executeCommandProvider"]["commands"]),
            len(legend["tokenTypes"]),
            len(legend["tokenModifiers"]),
        )
        text = hostile.make()
        model = TextModel(text, profile.encoding)
        mark = client.mark()
        started = time.monotonic()
        item = {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}
        client.notify("textDocument/didOpen", {"textDocument": item})
        published = client.wait_for_diagnostics(uri, 1, mark, BOUND_S)
        times = {"diagnostics": time.monotonic() - started}
        problems = publish_problems(published.params, {1: model}, uri)
        diagnostics = published.params["diagnostics"]
        if hostile.not_analysed_by_server:
            assert [d["message"] for d in diagnostics] == [
                f"msb-lsp does not analyse documents over 2 MB ({len(text) / 1e6:.1f} MB)"
            ]
        for method, params, position in _requests(uri, model):
            began = time.monotonic()
            sent_id = client.send_request(method, params)
            response = client.wait_response(sent_id, BOUND_S)
            times[method.split("/", 1)[1]] = time.monotonic() - began
            assert response is not None, f"{method}: no answer within {BOUND_S:g} s"
            sent = Sent(sent_id, method, params, uri, 1, position=position)
            problems += answer_problems(sent, response, {1: model}, facts)
        peak = client.peak_memory()["total_kb"]
        stderr = "".join(client.stderr_lines)
        shown = ", ".join(f"{k} {v:.2f}" for k, v in times.items())
        print(f"\nserver {hostile.name}: {shown} (s); peak {peak // 1024} MB")
        assert not problems, problems[:5]
        assert "Traceback" not in stderr, stderr[-3000:]
        slow = {k: round(v, 1) for k, v in times.items() if v > BOUND_S}
        assert not slow, slow
        assert peak < MAX_RSS_KB, f"peak resident memory {peak // 1024} MB"
        outcome = client.close(BOUND_S)
        assert outcome["clean"] and outcome["ms"] < 5_000, outcome
    finally:
        client.kill()
