"""Benchmark msb-lsp as an editor drives it, side by side with rcjsuen's Node server.

    .venv/bin/python -m benchmarks.run                     # msb-lsp, plus Node if installed
    .venv/bin/python -m benchmarks.run --node none         # msb-lsp only
    .venv/bin/python -m benchmarks.run --msb none          # Node only
    .venv/bin/python -m benchmarks.run --files small,large --iterations 10

For every generated file (see benchmarks/gen_dockerfiles.py) each server gets a fresh process
that is driven like an editor would: initialize, didOpen, incremental edits, then position
requests. Latencies are measured by this client with `time.perf_counter()` (from just before a
message is queued to the moment the reader thread has parsed the answer). Each metric is
reported as median and p95 (nearest rank) over `--iterations` samples; cold start over
`--cold-starts` fresh processes. Peak memory is the VmHWM of the server's process tree.

The Node server is found at benchmarks/node_modules/.bin/docker-langserver once installed with
`npm ci --prefix benchmarks`
(or `npm install --prefix benchmarks dockerfile-language-server-nodejs`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import gen_dockerfiles as gen
from benchmarks.lspclient import (
    LspClient,
    LspError,
    LspTimeout,
    ServerExited,
    utf16_index,
)

JSON = Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
NODE_BIN = BENCH_DIR / "node_modules" / ".bin" / "docker-langserver"
RESULTS_DIR = BENCH_DIR / "results"

#: Files at or above this many lines are "large": the project aims at 0.2x Node there.
LARGE_FILE_LINES = 1000
SMALL_FILE_AIM = 1.0
LARGE_FILE_AIM = 0.2


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    #: "latency": per-request or edit->diagnostics latency, judged against the size aim;
    #: "memory": must be below Node's; "info": reported, no aim.
    kind: str


METRICS: tuple[Metric, ...] = (
    Metric("cold_start", "cold start: spawn -> initialize", "info"),
    Metric("open", "didOpen -> diagnostics", "info"),
    Metric("change", "didChange -> diagnostics", "latency"),
    Metric("completion", "completion after --from=", "latency"),
    Metric("hover_image", "hover: FROM image", "latency"),
    Metric("hover_stage", "hover: stage name", "latency"),
    Metric("hover_variable", "hover: variable", "latency"),
    Metric("definition", "definition from --from=", "latency"),
    Metric("code_action", "codeAction on a diagnostic", "latency"),
    Metric("memory", "peak RSS (MB)", "memory"),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}


@dataclass
class ServerSpec:
    name: str
    argv: list[str]
    env: dict[str, str] | None = None


@dataclass
class Options:
    iterations: int = 30
    cold_starts: int = 5
    timeout: float = 10.0
    settings: dict[str, JSON] | None = None
    trace: bool = False


# -- statistics ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (the value at rank ceil(pct/100 * n))."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples: Sequence[float]) -> dict[str, float] | None:
    """n / min / median / p95 / max / mean / first of a series, or None if it is empty."""
    if not samples:
        return None
    return {
        "n": len(samples),
        "min": min(samples),
        "median": statistics.median(samples),
        "p95": percentile(samples, 95),
        "max": max(samples),
        "mean": statistics.fmean(samples),
        "first": samples[0],
    }


def measured(samples: list[float], result: str | None = None, **extra: JSON) -> dict[str, JSON]:
    reason = extra.pop("reason", "no samples")
    if not samples:
        return not_available(reason, **extra)
    return {
        "status": "ok",
        "stats": summarize(samples),
        "samples": samples,
        "result": result,
        **extra,
    }


def not_available(reason: str, **extra: JSON) -> dict[str, JSON]:
    return {"status": "n/a", "reason": reason, **extra}


def aim_for(metric: Metric, lines: int | None) -> float | None:
    """The ratio (msb-lsp / node) the project aims to stay at or below, if any."""
    if metric.kind == "memory":
        return 1.0
    if metric.kind == "latency" and lines is not None:
        return LARGE_FILE_AIM if lines >= LARGE_FILE_LINES else SMALL_FILE_AIM
    return None


def verdict(metric: Metric, ratio: float | None, aim: float | None) -> str:
    if ratio is None:
        return "n/a"
    if aim is None:
        return "info"
    if metric.kind == "memory":
        return "ok" if ratio < aim else "MISS"
    return "ok" if ratio <= aim else "MISS"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return a / b


# -- the document the editor holds --------------------------------------------------------------


class Document:
    """The client's copy of a document: text and version, with LSP range edits."""

    def __init__(self, uri: str, text: str) -> None:
        self.uri, self.text, self.version = uri, text, 1

    def offset(self, pos: dict[str, int]) -> int:
        lines = self.text.split("\n")
        line = pos["line"]
        if line >= len(lines):
            return len(self.text)
        start = sum(len(t) + 1 for t in lines[:line])
        return start + utf16_index(lines[line], pos["character"])

    def apply(self, rng: dict[str, dict[str, int]], new_text: str) -> None:
        start, end = self.offset(rng["start"]), self.offset(rng["end"])
        self.text = self.text[:start] + new_text + self.text[end:]
        self.version += 1


def edit_cycle(sample: gen.Sample) -> Iterator[tuple[dict[str, JSON], str]]:
    """Edits that really change the content, undone in pairs: insert then remove a comment
    line; type a character at the end of a stage name then delete it. Yields (range, text)
    forever."""
    line = sample.positions[gen.POS_EDIT_LINE].line
    end = sample.positions[gen.POS_STAGE_NAME_END]
    n = 0
    while True:
        n += 1
        at_line = {"line": line, "character": 0}
        yield {"start": at_line, "end": at_line}, f"# edit {n}\n"
        below = {"line": line + 1, "character": 0}
        yield {"start": at_line, "end": below}, ""
        at_end = end.lsp()
        after = {"line": end.line, "character": end.character + 1}
        yield {"start": at_end, "end": at_end}, "x"
        yield {"start": at_end, "end": after}, ""


def sync_kind(capabilities: dict[str, JSON]) -> int:
    """0 none, 1 full, 2 incremental (the server's textDocumentSync)."""
    sync = capabilities.get("textDocumentSync")
    if isinstance(sync, int):
        return sync
    if isinstance(sync, dict):
        return int(sync.get("change") or 0)
    return 0


def overlaps(a: dict[str, JSON], b: dict[str, JSON]) -> bool:
    def key(p: dict[str, int]) -> tuple[int, int]:
        return p["line"], p["character"]

    return key(a["start"]) <= key(b["end"]) and key(b["start"]) <= key(a["end"])


# -- what the answers were (for the report, not for timing) --------------------------------------


def _text(value: JSON) -> str:
    if isinstance(value, dict):
        return str(value.get("value", ""))
    if isinstance(value, list):
        return " | ".join(_text(v) for v in value)
    return str(value or "")


def brief(method: str, result: JSON) -> str:
    """A one-line description of an answer."""
    if result is None:
        return "null"
    if method == "textDocument/completion":
        items = result.get("items", []) if isinstance(result, dict) else result
        labels = ", ".join(str(item.get("label")) for item in items[:6])
        return f"{len(items)} items: {labels}" + (", ..." if len(items) > 6 else "")
    if method == "textDocument/hover":
        text = " ".join(_text(result.get("contents")).split())
        return (text[:77] + "...") if len(text) > 80 else text
    if method == "textDocument/codeAction":
        titles = [str(action.get("title")) for action in result]
        return f"{len(titles)} actions: " + "; ".join(titles[:4]) if titles else "0 actions"
    if method == "textDocument/definition":
        locations = result if isinstance(result, list) else [result]
        spots = []
        for loc in locations:
            rng = loc.get("targetSelectionRange") or loc.get("range") or {}
            start = rng.get("start", {})
            spots.append(f"{start.get('line')}:{start.get('character')}")
        return "-> " + ", ".join(spots) if spots else "no location"
    return json.dumps(result)[:80]


# -- one server, one file ----------------------------------------------------------------------


def _folders(workdir: Path) -> list[dict[str, str]]:
    return [{"uri": workdir.as_uri(), "name": workdir.name}]


def _advertised(capabilities: dict[str, JSON], provider: str) -> bool:
    value = capabilities.get(provider)
    return value is not None and value is not False


def measure_request(
    client: LspClient, method: str, params: dict[str, JSON], opts: Options
) -> dict[str, JSON]:
    samples: list[float] = []
    first: JSON = None
    timeouts = 0
    for _ in range(opts.iterations):
        try:
            result, ms = client.request(method, params, opts.timeout)
        except LspTimeout:
            timeouts += 1
            if timeouts >= 3:
                break
            continue
        except LspError as exc:
            return not_available(f"error {exc.code}: {exc.error_message}"[:200], samples=samples)
        if not samples:
            first = result
        samples.append(ms)
    if not samples:
        return not_available(f"timeout ({timeouts} x {opts.timeout:g} s)")
    return measured(samples, brief(method, first), timeouts=timeouts)


def measure_opens(client: LspClient, sample: gen.Sample, workdir: Path, opts: Options) -> JSON:
    """didOpen -> publishDiagnostics on a warm server, a new document each time."""
    samples: list[float] = []
    misses = 0
    for i in range(opts.iterations):
        uri = (workdir / f"{sample.name}-open-{i}.dockerfile").as_uri()
        mark, t0 = client.mark(), time.perf_counter()
        item = {"uri": uri, "languageId": "dockerfile", "version": 1, "text": sample.text}
        client.notify("textDocument/didOpen", {"textDocument": item})
        try:
            arrived = client.wait_for_diagnostics(uri, 1, mark, opts.timeout)
            samples.append((arrived.time - t0) * 1000)
        except LspTimeout:
            misses += 1
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        if misses >= 3:
            break
    return measured(samples, reason=f"no diagnostics within {opts.timeout:g} s")


def measure_changes(
    client: LspClient, doc: Document, sample: gen.Sample, incremental: bool, opts: Options
) -> JSON:
    """didChange -> publishDiagnostics for that version (or, without `version`, the next)."""
    samples: list[float] = []
    versioned = unversioned = misses = 0
    steps = opts.iterations + opts.iterations % 2  # an even count ends on the original text
    edits = edit_cycle(sample)
    for _ in range(steps):
        rng, new_text = next(edits)
        doc.apply(rng, new_text)
        change = {"range": rng, "text": new_text} if incremental else {"text": doc.text}
        params = {
            "textDocument": {"uri": doc.uri, "version": doc.version},
            "contentChanges": [change],
        }
        mark, t0 = client.mark(), time.perf_counter()
        client.notify("textDocument/didChange", params)
        try:
            arrived = client.wait_for_diagnostics(doc.uri, doc.version, mark, opts.timeout)
        except LspTimeout:
            misses += 1
            if misses >= 3:
                break
            continue
        misses = 0
        if (arrived.params or {}).get("version") is None:
            unversioned += 1
        else:
            versioned += 1
        samples.append((arrived.time - t0) * 1000)
    return measured(
        samples,
        reason=f"no diagnostics within {opts.timeout:g} s",
        sync="incremental" if incremental else "full",
        matched_by_version=versioned,
        matched_next_publish=unversioned,
        restored=doc.text == sample.text,
    )


def latest_diagnostics(client: LspClient, uri: str) -> list[dict[str, JSON]]:
    for incoming in reversed(client.notifications("textDocument/publishDiagnostics")):
        if (incoming.params or {}).get("uri") == uri:
            return list(incoming.params.get("diagnostics") or [])
    return []


def code_action_params(
    sample: gen.Sample, uri: str, diagnostics: list[dict[str, JSON]]
) -> tuple[dict[str, JSON], str]:
    """A range with a diagnostic and the diagnostics overlapping it, as editors send them."""
    chosen = None
    for line in sample.action_lines:
        rng = sample.line_range(line)
        overlapping = [d for d in diagnostics if overlaps(d["range"], rng)]
        if overlapping:
            chosen = (rng, overlapping, f"line {line} (planted finding)")
            break
    if chosen is None and diagnostics:
        line = diagnostics[0]["range"]["start"]["line"]
        rng = sample.line_range(line)
        overlapping = [d for d in diagnostics if overlaps(d["range"], rng)]
        chosen = (rng, overlapping, f"line {line} (first diagnostic)")
    if chosen is None:
        line = sample.action_lines[0]
        chosen = (sample.line_range(line), [], f"line {line} (no diagnostic from this server)")
    rng, overlapping, where = chosen
    context = {"diagnostics": overlapping, "triggerKind": 1}
    params = {"textDocument": {"uri": uri}, "range": rng, "context": context}
    return params, f"{where}, {len(overlapping)} diagnostics in context"


def request_plan(
    sample: gen.Sample, uri: str
) -> list[tuple[str, str, str, Callable[[], dict[str, JSON]]]]:
    """(metric key, method, capability, params factory) for every position request."""
    doc = {"uri": uri}
    p = sample.positions

    def at(key: str, **extra: JSON) -> Callable[[], dict[str, JSON]]:
        return lambda: {"textDocument": doc, "position": p[key].lsp(), **extra}

    return [
        (
            "completion",
            "textDocument/completion",
            "completionProvider",
            at(gen.POS_COMPLETE_FROM, context={"triggerKind": 1}),
        ),
        ("hover_image", "textDocument/hover", "hoverProvider", at(gen.POS_FROM_IMAGE)),
        ("hover_stage", "textDocument/hover", "hoverProvider", at(gen.POS_STAGE_NAME)),
        ("hover_variable", "textDocument/hover", "hoverProvider", at(gen.POS_VARIABLE)),
        ("definition", "textDocument/definition", "definitionProvider", at(gen.POS_FROM_VALUE)),
    ]


def run_session(
    spec: ServerSpec, sample: gen.Sample, workdir: Path, opts: Options
) -> dict[str, JSON]:
    """One fresh server process, driven through every scenario on one file."""
    path = workdir / f"{sample.name}.dockerfile"
    path.write_text(sample.text, encoding="utf-8")
    doc = Document(path.as_uri(), sample.text)
    out: dict[str, JSON] = {"file": sample.describe(), "metrics": {}, "failures": []}
    metrics: dict[str, JSON] = out["metrics"]
    client = LspClient(
        spec.argv,
        cwd=workdir,
        env=spec.env,
        settings=opts.settings,
        folders=_folders(workdir),
        trace=opts.trace,
    )
    try:
        result, init_ms = client.initialize(
            workdir, opts.timeout, initialization_options=opts.settings
        )
        out["initialize_ms"] = init_ms
        capabilities = (result or {}).get("capabilities", {})
        out["server_info"] = (result or {}).get("serverInfo")
        out["capabilities"] = capabilities
        if opts.settings:
            client.notify("workspace/didChangeConfiguration", {"settings": opts.settings})

        mark, t0 = client.mark(), time.perf_counter()
        item = {"uri": doc.uri, "languageId": "dockerfile", "version": 1, "text": doc.text}
        client.notify("textDocument/didOpen", {"textDocument": item})
        try:
            arrived = client.wait_for_diagnostics(doc.uri, 1, mark, opts.timeout)
            out["first_open_ms"] = (arrived.time - t0) * 1000
            out["first_open_diagnostics"] = [
                _diag_brief(d) for d in (arrived.params or {}).get("diagnostics", [])
            ]
        except LspTimeout as exc:
            out["failures"].append(f"first didOpen: {exc}")

        metrics["open"] = measure_opens(client, sample, workdir, opts)
        kind = sync_kind(capabilities)
        if kind == 0:
            metrics["change"] = not_available("server takes no document changes")
        else:
            metrics["change"] = measure_changes(client, doc, sample, kind == 2, opts)

        for key, method, provider, params in request_plan(sample, doc.uri):
            if not _advertised(capabilities, provider):
                metrics[key] = not_available(f"{provider} not advertised")
                continue
            metrics[key] = measure_request(client, method, params(), opts)
            if key == "definition" and metrics[key]["status"] == "ok":
                target = sample.positions[gen.POS_DEFINITION_TARGET]
                metrics[key]["expected"] = f"-> {target}"

        if _advertised(capabilities, "codeActionProvider"):
            params, where = code_action_params(sample, doc.uri, latest_diagnostics(client, doc.uri))
            metrics["code_action"] = measure_request(
                client, "textDocument/codeAction", params, opts
            )
            metrics["code_action"]["range"] = where
        else:
            metrics["code_action"] = not_available("codeActionProvider not advertised")

        memory = client.peak_memory()
        out["memory"] = memory
        metrics["memory"] = {
            "status": "ok",
            "mb": memory["total_kb"] / 1024,
            "processes": memory["processes"],
        }
    except (ServerExited, LspTimeout, LspError) as exc:
        out["failures"].append(f"aborted: {exc}")
        out["stderr_tail"] = client.stderr_tail.decode(errors="replace")
    finally:
        out["shutdown"] = client.close(opts.timeout)
        out["server_requests"] = sorted(set(client.server_requests))
    for metric in METRICS:
        if metric.key != "cold_start":
            metrics.setdefault(metric.key, not_available("session aborted"))
    return out


def _diag_brief(d: dict[str, JSON]) -> str:
    start = d.get("range", {}).get("start", {})
    code = d.get("code", "")
    message = " ".join(str(d.get("message", "")).split())[:100]
    return f"{start.get('line')}:{start.get('character')} [{d.get('source', '')}:{code}] {message}"


def cold_start(spec: ServerSpec, workdir: Path, opts: Options) -> float:
    """Spawn -> initialize result, in ms (the process is then shut down)."""
    client = LspClient(spec.argv, cwd=workdir, env=spec.env, folders=_folders(workdir))
    try:
        return client.initialize(workdir, opts.timeout)[1]
    finally:
        client.close(opts.timeout)


# -- the whole run -----------------------------------------------------------------------------


def msb_spec(command: str) -> ServerSpec:
    if command == "default":
        python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
        env = {"MSB_LSP_OFFLINE": "1", "PYTHONPATH": python_path}
        return ServerSpec("msb-lsp", [sys.executable, "-m", "msb_lsp"], env)
    return ServerSpec("msb-lsp", shlex.split(command), {"MSB_LSP_OFFLINE": "1"})


def node_spec(choice: str) -> tuple[ServerSpec | None, str | None]:
    """The Node server's spec, or None and why not."""
    if choice == "none":
        return None, None
    path = NODE_BIN if choice == "auto" else Path(choice)
    if not path.exists():
        if choice == "auto":
            return None, (
                "Node server not installed (npm ci --prefix benchmarks); running msb-lsp only"
            )
        raise SystemExit(f"benchmarks.run: no Node server at {path}")
    return ServerSpec("node", [str(path), "--stdio"]), None


def _command_output(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


def environment(specs: list[ServerSpec]) -> dict[str, JSON]:
    env: dict[str, JSON] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "git_commit": _command_output(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"]
        ),
        "servers": {spec.name: {"argv": spec.argv, "env": spec.env} for spec in specs},
    }
    for spec in specs:
        if spec.name == "node":
            env["node"] = _command_output(["node", "--version"])
            package = Path(spec.argv[0]).resolve().parent.parent / "package.json"
            with contextlib.suppress(OSError, ValueError):
                env["node_server_version"] = json.loads(package.read_text())["version"]
    return env


def build_table(
    report: dict[str, JSON], samples: list[gen.Sample], names: list[str]
) -> list[dict[str, JSON]]:
    """Rows: per file and metric, each server's median/p95, ratios, aim and verdict."""
    servers = report["servers"]
    rows = []

    def figure(entry: JSON) -> tuple[float | None, float | None, str | None]:
        if not entry or entry.get("status") != "ok":
            return None, None, (entry or {}).get("reason", "not run")
        if "mb" in entry:
            return entry["mb"], None, None
        return entry["stats"]["median"], entry["stats"]["p95"], None

    cells: list[tuple[str, int | None, Metric, dict[str, JSON]]] = [
        ("(any)", None, METRICS[0], {n: servers[n].get("cold_start") for n in names})
    ]
    for sample in samples:
        entries = {n: servers[n]["files"].get(sample.name, {}).get("metrics", {}) for n in names}
        for metric in METRICS[1:]:
            per_server = {n: entries[n].get(metric.key) for n in names}
            cells.append((sample.name, sample.line_count, metric, per_server))
    for file_name, lines, metric, per_server in cells:
        row: dict[str, JSON] = {"file": file_name, "lines": lines, "metric": metric.key}
        for n in names:
            median, p95, why = figure(per_server.get(n))
            row[n] = {"median": median, "p95": p95, "na": why}
        if "msb-lsp" in names and "node" in names:
            ours, theirs = row["msb-lsp"], row["node"]
            row["ratio_median"] = ratio(ours["median"], theirs["median"])
            row["ratio_p95"] = ratio(ours["p95"], theirs["p95"])
            aim = aim_for(metric, lines)
            row["aim"] = aim
            row["verdict"] = verdict(metric, row["ratio_median"], aim)
        rows.append(row)
    return rows


def _cell(figures: dict[str, JSON], unit: str) -> str:
    if figures["median"] is None:
        return "n/a"
    if figures["p95"] is None:
        return f"{figures['median']:.1f} {unit}"
    return f"{figures['median']:.2f} / {figures['p95']:.2f}"


def format_table(rows: list[dict[str, JSON]], names: list[str]) -> str:
    both = "msb-lsp" in names and "node" in names
    head = ["file", "lines", "metric"] + [f"{n} med / p95 ms" for n in names]
    if both:
        head += ["ratio med", "ratio p95", "aim", "verdict"]
    body = []
    for row in rows:
        metric = METRIC_BY_KEY[row["metric"]]
        unit = "MB" if metric.kind == "memory" else "ms"
        cells = [row["file"], "" if row["lines"] is None else str(row["lines"]), metric.label]
        cells += [_cell(row[n], unit) for n in names]
        if both:
            cells += [
                "-" if row["ratio_median"] is None else f"{row['ratio_median']:.2f}x",
                "-" if row["ratio_p95"] is None else f"{row['ratio_p95']:.2f}x",
                "-"
                if row["aim"] is None
                else (("<" if metric.kind == "memory" else "<=") + f"{row['aim']:.1f}x"),
                row["verdict"],
            ]
        body.append(cells)
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() for cells in body
    ]
    return "\n".join(lines)


def notes(report: dict[str, JSON], names: list[str]) -> list[str]:
    """Why things are n/a, and what the servers answered (first answer of each series)."""
    out = []
    for name in names:
        server = report["servers"][name]
        for file_name, session in server.get("files", {}).items():
            for failure in session.get("failures", []):
                out.append(f"{name} {file_name}: FAILURE {failure}")
            for key, entry in session.get("metrics", {}).items():
                if entry.get("status") == "n/a":
                    if entry.get("reason") == "session aborted":
                        continue  # the FAILURE line above says why
                    out.append(f"{name} {file_name} {key}: n/a ({entry.get('reason')})")
                elif entry.get("result") is not None:
                    extra = f" [{entry['range']}]" if "range" in entry else ""
                    if "expected" in entry:
                        extra = f" (expected {entry['expected']})"
                    out.append(f"{name} {file_name} {key}: {entry['result']}{extra}")
        if server.get("cold_start", {}).get("status") == "n/a":
            out.append(f"{name} cold start: n/a ({server['cold_start'].get('reason')})")
    return out


def run(
    specs: list[ServerSpec], samples: list[gen.Sample], opts: Options, log: Callable[[str], None]
) -> dict[str, JSON]:
    report: dict[str, JSON] = {
        "environment": environment(specs),
        "options": {
            "iterations": opts.iterations,
            "cold_starts": opts.cold_starts,
            "timeout_s": opts.timeout,
        },
        "loadavg_start": os.getloadavg(),
        "servers": {spec.name: {"files": {}} for spec in specs},
    }
    with tempfile.TemporaryDirectory(prefix="msb-lsp-bench-") as tmp:
        workdir = Path(tmp)
        cold: dict[str, list[float]] = {spec.name: [] for spec in specs}
        cold_errors: dict[str, str] = {}
        for k in range(opts.cold_starts):  # interleaved, so load changes hit both alike
            for spec in specs if k % 2 == 0 else reversed(specs):
                if spec.name in cold_errors:
                    continue
                try:
                    cold[spec.name].append(cold_start(spec, workdir, opts))
                except (ServerExited, LspTimeout, LspError, OSError) as exc:
                    cold_errors[spec.name] = str(exc)
        for spec in specs:
            samples_ms = cold[spec.name]
            entry = measured(samples_ms, reason=cold_errors.get(spec.name, "not measured"))
            report["servers"][spec.name]["cold_start"] = entry
            if entry["status"] == "ok":
                log(f"{spec.name}: cold start median {entry['stats']['median']:.1f} ms")
            else:
                log(f"{spec.name}: cold start n/a ({entry['reason']})")
        for i, sample in enumerate(samples):
            for spec in specs if i % 2 == 0 else list(reversed(specs)):
                log(f"{spec.name}: {sample.name} ({sample.line_count} lines) ...")
                t0 = time.perf_counter()
                try:
                    session = run_session(spec, sample, workdir, opts)
                except OSError as exc:  # the server could not be started at all
                    session = {
                        "failures": [f"cannot start: {exc}"],
                        "metrics": {
                            m.key: not_available(f"cannot start: {exc}") for m in METRICS[1:]
                        },
                    }
                report["servers"][spec.name]["files"][sample.name] = session
                log(f"{spec.name}: {sample.name} done in {time.perf_counter() - t0:.1f} s")
    report["loadavg_end"] = os.getloadavg()
    names = [spec.name for spec in specs]
    report["table"] = build_table(report, samples, names)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    ap.add_argument(
        "--files",
        default=",".join(gen.GENERATORS),
        help=f"comma-separated samples (default: {','.join(gen.GENERATORS)})",
    )
    ap.add_argument("--iterations", type=int, default=30, help="samples per metric (default 30)")
    ap.add_argument("--cold-starts", type=int, default=5, help="fresh processes for cold start")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds for any single wait")
    ap.add_argument(
        "--msb",
        default="default",
        metavar="CMD|none",
        help="msb-lsp command line (default: this Python -m msb_lsp, offline)",
    )
    ap.add_argument(
        "--node",
        default="auto",
        metavar="PATH|auto|none",
        help="rcjsuen's docker-langserver (default: benchmarks/node_modules/.bin)",
    )
    ap.add_argument("--settings", help="JSON file answering workspace/configuration")
    ap.add_argument(
        "--json", help="write the full report here (default: benchmarks/results/lsp-DATE.json)"
    )
    ap.add_argument("--no-json", action="store_true", help="write no report file")
    ap.add_argument("--trace", action="store_true", help="log all JSON-RPC traffic to stderr")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    if args.iterations < 1 or args.cold_starts < 0 or args.timeout <= 0:
        ap.error("--iterations must be >= 1, --cold-starts >= 0, --timeout > 0")
    try:
        samples = [gen.generate(name.strip()) for name in args.files.split(",") if name.strip()]
    except ValueError as exc:
        ap.error(str(exc))
    specs: list[ServerSpec] = []
    if args.msb != "none":
        specs.append(msb_spec(args.msb))
    node, why_not = node_spec(args.node)
    if node is not None:
        specs.append(node)
    if not specs:
        ap.error("nothing to run (--msb none and no Node server)")
    settings = json.loads(Path(args.settings).read_text()) if args.settings else None
    opts = Options(args.iterations, args.cold_starts, args.timeout, settings, args.trace)

    def log(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    if why_not:
        log(why_not)
    report = run(specs, samples, opts, log)
    names = [spec.name for spec in specs]
    print(format_table(report["table"], names))
    print()
    for line in notes(report, names):
        print(line)
    load = report["loadavg_start"][0], report["loadavg_end"][0]
    print(f"\nload average (1 min) {load[0]:.2f} -> {load[1]:.2f} on {os.cpu_count()} CPUs")
    if not args.no_json:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path(args.json) if args.json else RESULTS_DIR / f"lsp-{stamp}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
        print(f"report: {out}")
    failed = any(
        session.get("failures")
        for server in report["servers"].values()
        for session in server["files"].values()
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
