"""Output formats of `msb-lsp check`: text, JSON and SARIF 2.1.0 (GitHub code scanning)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msb_lsp import __version__
from msb_lsp.rules.base import Finding, Rule, Severity

HOMEPAGE = "https://github.com/msb-lsp/msb-lsp"


@dataclass(slots=True)
class FileReport:
    label: str  # the path as the user gave it (or "-" for standard input)
    findings: list[Finding]


def text(reports: Sequence[FileReport]) -> str:
    """`path:line:col: severity code message`, 1-based line and column (code points)."""
    lines = []
    for report in reports:
        for f in report.findings:
            s = f.span.start
            lines.append(
                f"{report.label}:{s.line + 1}:{s.col + 1}: {f.severity.value} {f.code} "
                f"{f.message} [{f.rule.name}]"
            )
    return "\n".join(lines) + ("\n" if lines else "")


def _finding_json(f: Finding) -> dict[str, Any]:
    s, e = f.span.start, f.span.end
    return {
        "line": s.line + 1,
        "column": s.col + 1,
        "endLine": e.line + 1,
        "endColumn": e.col + 1,
        "severity": f.severity.value,
        "code": f.code,
        "name": f.rule.name,
        "buildkit": f.rule.buildkit,
        "message": f.message,
        "url": f.rule.url,
        "fixes": [fix.to_data() for fix in f.fixes],
    }


def as_json(reports: Sequence[FileReport]) -> str:
    data = [{"path": r.label, "findings": [_finding_json(f) for f in r.findings]} for r in reports]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}


def sarif(reports: Sequence[FileReport], rules: Sequence[Rule], base: Path | None = None) -> str:
    """A SARIF 2.1.0 log with rule metadata, help URIs and exact regions."""
    used = sorted({f.rule.code for r in reports for f in r.findings})
    by_code = {r.code: r for r in rules}
    listed = [by_code[c] for c in used if c in by_code]
    index = {r.code: i for i, r in enumerate(listed)}
    results = []
    for report in reports:
        uri = _uri(report.label, base)
        for f in report.findings:
            s, e = f.span.start, f.span.end
            results.append(
                {
                    "ruleId": f.code,
                    "ruleIndex": index[f.code],
                    "level": _SARIF_LEVEL[f.severity],
                    "message": {"text": f.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri},
                                "region": {
                                    "startLine": s.line + 1,
                                    "startColumn": s.col + 1,
                                    "endLine": e.line + 1,
                                    "endColumn": e.col + 1,
                                },
                            }
                        }
                    ],
                }
            )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "msb-lsp",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": HOMEPAGE,
                        "rules": [_sarif_rule(r) for r in listed],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "helpUri": rule.url,
        "help": {"text": rule.summary, "markdown": rule.doc or rule.summary},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {
            "tags": [rule.category.value]
            + ([f"buildkit:{rule.buildkit}"] if rule.buildkit else []),
        },
    }


def _uri(label: str, base: Path | None) -> str:
    if label == "-":
        return "stdin"
    path = Path(label)
    if base is not None and path.is_absolute():
        try:
            path = path.relative_to(base)
        except ValueError:
            return path.as_uri()
    return path.as_posix()
