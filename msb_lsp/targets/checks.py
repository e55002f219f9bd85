"""Checking target occurrences against their Dockerfiles.

- MSB401 `target-not-found` (error): the target names no stage; the rule of that name
  (`msb_lsp.rules.target_not_found`) gives the wording, the severity and the documentation,
  and the lint configuration (`lint.select`, `lint.ignore`, `lint.severity`) applies.
- MSB402 `dockerfile-not-found` (warning): the Dockerfile the target refers to cannot be read;
  the message carries the path that was looked for. It is not a Dockerfile rule (there is no
  Dockerfile to run on); `lint.ignore` and `lint.severity` still accept its code and name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from msb_lsp.engine.lint import LintConfig, selected_rules
from msb_lsp.model.span import Span
from msb_lsp.rules.base import Edit, Fix, Severity
from msb_lsp.rules.target_not_found import CODE as NOT_FOUND_CODE
from msb_lsp.rules.target_not_found import message, suggest
from msb_lsp.targets.ref import TargetRef
from msb_lsp.targets.resolve import DockerfileFiles, LoadedDockerfile, resolve

MISSING_CODE = "MSB402"
MISSING_NAME = "dockerfile-not-found"


@dataclass(frozen=True, slots=True)
class TargetProblem:
    code: str
    name: str
    severity: Severity
    message: str
    span: Span  # in the document where the target is written
    ref: TargetRef
    dockerfile: LoadedDockerfile | None = None  # the file that lacks the stage
    fix: Fix | None = None
    url: str | None = None  # the rule's documentation


def _missing_severity(config: LintConfig) -> Severity | None:
    """MSB402's severity under the configuration, or None when it is switched off."""

    def names_it(key: str) -> bool:
        upper = key.upper()
        return (
            upper == MISSING_CODE
            or (upper.startswith("MSB") and MISSING_CODE.startswith(upper))
            or key.lower() in (MISSING_NAME, "targets")
        )

    if config.select and not any(k.lower() == "all" or names_it(k) for k in config.select):
        return None
    if any(names_it(k) for k in config.ignore):
        return None
    severity = Severity.WARNING
    for key, value in config.severity.items():
        if names_it(key):
            if value == "off":
                return None
            severity = Severity(value)
    return severity


def check_targets(
    refs: Iterable[TargetRef], files: DockerfileFiles, config: LintConfig | None = None
) -> list[TargetProblem]:
    """Problems with the targets written in one document, in document order."""
    config = config or LintConfig()
    not_found = next(((r, s) for r, s in selected_rules(config) if r.code == NOT_FOUND_CODE), None)
    missing_severity = _missing_severity(config)
    problems: list[TargetProblem] = []
    reported_missing: set[tuple[Span, Path]] = set()
    for ref in refs:
        if ref.dockerfile is None:
            continue
        resolution = resolve(ref, files)
        if resolution.missing:
            span = ref.file_span or ref.context_span or ref.span
            key = (span, ref.dockerfile)
            if missing_severity is not None and key not in reported_missing:
                reported_missing.add(key)
                problems.append(
                    TargetProblem(
                        code=MISSING_CODE,
                        name=MISSING_NAME,
                        severity=missing_severity,
                        message=f"Dockerfile not found: {ref.dockerfile}",
                        span=span,
                        ref=ref,
                    )
                )
            continue
        if not ref.checkable or resolution.stage is not None or not_found is None:
            continue
        rule, severity = not_found
        names = resolution.stage_names
        suggestion = suggest(ref.value, names)
        fix = None
        if suggestion is not None:
            fix = Fix(f"Change the target to {suggestion}", (Edit(ref.span, suggestion),))
        problems.append(
            TargetProblem(
                code=rule.code,
                name=rule.name,
                severity=severity,
                message=message(ref.value, names),
                span=ref.span,
                ref=ref,
                dockerfile=resolution.file,
                fix=fix,
                url=rule.url,
            )
        )
    problems.sort(key=lambda p: (p.span.start, p.code))
    return problems
