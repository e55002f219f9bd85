"""`msb-lsp check PATH... | -`: the engine as a CLI for CI and pre-commit.

Exit status: 0 clean, 1 findings at or above `--fail-level`, 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from msb_lsp.cli import report
from msb_lsp.cli.files import InputError, decode, find_dockerfiles, read_dockerfile
from msb_lsp.config.project import find_project_config
from msb_lsp.config.settings import Settings, load_settings
from msb_lsp.engine.lint import LintConfig, lint, options_for_path, unknown_selectors
from msb_lsp.model import parse
from msb_lsp.refactor.quickfix import FixAllResult, fix_all
from msb_lsp.rules import all_rules
from msb_lsp.rules.base import Finding, Severity

_LEVELS = ("error", "warning", "info", "hint")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="Dockerfiles or folders to search for them; '-' reads standard input",
    )
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument(
        "--fail-level",
        choices=_LEVELS,
        default="warning",
        help="exit 1 when a finding is at least this severe (default: warning)",
    )
    parser.add_argument("--exit-zero", action="store_true", help="always exit 0 after a lint")
    parser.add_argument(
        "--select", action="append", default=[], metavar="RULES", help="comma-separated rules"
    )
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="RULES", help="comma-separated rules"
    )
    parser.add_argument(
        "--no-config", action="store_true", help="do not read .msb-lsp.toml or pyproject.toml"
    )
    parser.add_argument(
        "--stdin-filename", metavar="PATH", help="path to report (and to resolve config) for '-'"
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="apply every safe fix in place (again until none is left) before reporting",
    )


def _split(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def run(args: argparse.Namespace) -> int:
    select, ignore = _split(args.select), _split(args.ignore)
    bad = unknown_selectors(select + ignore)
    if bad:
        print(f"msb-lsp check: unknown rule or category: {', '.join(bad)}", file=sys.stderr)
        return 2
    targets: list[tuple[str, Path | None]] = []
    errors = 0
    for raw in args.paths:
        if raw == "-":
            targets.append(("-", Path(args.stdin_filename) if args.stdin_filename else None))
            continue
        path = Path(raw)
        if path.is_dir():
            found = list(find_dockerfiles(path))
            if not found:
                print(f"{raw}: no Dockerfiles found in this folder", file=sys.stderr)
                errors += 1
            targets += [(str(p), p) for p in found]
        else:
            targets.append((raw, path))
    reports: list[report.FileReport] = []
    applied = fixed_files = 0  # with --fix
    for label, path in targets:
        try:
            if label == "-":
                text = decode(sys.stdin.buffer.read(), args.stdin_filename or "<stdin>")
            else:
                assert path is not None
                text = read_dockerfile(path)
        except InputError as exc:
            print(str(exc), file=sys.stderr)
            errors += 1
            continue
        findings = _lint_text(text, path, args, select, ignore)
        if args.fix and path is not None and label != "-":
            result = _fix(text, findings, path, args, select, ignore)
            if result.text != text:
                path.write_text(result.text, encoding="utf-8", newline="")
                findings = _lint_text(result.text, path, args, select, ignore, report_errors=False)
            if result.applied:
                fixed_files += 1
                applied += result.applied
                plural = "fix" if result.applied == 1 else "fixes"
                print(f"{label}: applied {result.applied} {plural}", file=sys.stderr)
        reports.append(
            report.FileReport(args.stdin_filename or label if label == "-" else label, findings)
        )
    if args.fix:
        plural = "fix" if applied == 1 else "fixes"
        files = "file" if fixed_files == 1 else "files"
        print(
            f"msb-lsp check: {applied} {plural} applied in {fixed_files} {files}", file=sys.stderr
        )
    out = {
        "text": lambda: report.text(reports),
        "json": lambda: report.as_json(reports),
        "sarif": lambda: report.sarif(reports, all_rules(), Path.cwd()),
    }[args.format]()
    sys.stdout.write(out)
    if errors:
        return 2
    if args.exit_zero:
        return 0
    threshold = Severity(args.fail_level).rank
    failing = any(f.severity.rank <= threshold for r in reports for f in r.findings)
    return 1 if failing else 0


def _fix(
    text: str,
    findings: list[Finding],
    path: Path,
    args: argparse.Namespace,
    select: list[str],
    ignore: list[str],
) -> FixAllResult:
    """Every safe fix, pass after pass (the engine's fix-all, as the editor's)."""

    def lint_again(t: str) -> list[Finding]:
        if t == text:
            return findings
        return _lint_text(t, path, args, select, ignore, report_errors=False)

    return fix_all(text, lint_again)


def _lint_text(
    text: str,
    path: Path | None,
    args: argparse.Namespace,
    select: list[str],
    ignore: list[str],
    report_errors: bool = True,
) -> list[Finding]:
    settings = Settings.defaults()
    if path is not None and not args.no_config:
        project = find_project_config(path.resolve())
        for message in project.errors if report_errors else ():
            print(message, file=sys.stderr)
        if project.values:
            settings, _ = load_settings(project.values)
    config = LintConfig.from_settings(settings)
    config = LintConfig(
        select=tuple(select) or config.select,
        ignore=config.ignore + tuple(ignore),
        severity=config.severity,
    )
    resolved = path.resolve() if path is not None else None
    return lint(parse(text), config, options_for_path(resolved, settings))
