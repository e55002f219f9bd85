"""Running the rules over a parsed Dockerfile: selection, severities, suppressions, order.

The server and the CLI both call `lint()`; nothing here knows about LSP.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msb_lsp.config.settings import Settings
from msb_lsp.engine.suppressions import Suppressions
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.gcpause import paused_gc
from msb_lsp.model.suggest import Budget, comparison_budget
from msb_lsp.rules import all_rules
from msb_lsp.rules._shell import shared_parses
from msb_lsp.rules.base import Finding, Rule, Severity
from msb_lsp.rules.context import LintOptions, RuleContext

log = logging.getLogger("msb_lsp.engine")

# The did-you-mean work one lint run may do (`msb_lsp.model.suggest.Budget`; about a second):
# far more than any real file needs, and a bound for files with thousands of unknown names
# and thousands of candidates.
SUGGESTION_BUDGET = 2_000_000


@dataclass(frozen=True, slots=True)
class LintConfig:
    """Which rules run and how severe their findings are."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)

    @staticmethod
    def from_settings(settings: Settings) -> LintConfig:
        return LintConfig(
            select=tuple(settings["lint.select"]),
            ignore=tuple(settings["lint.ignore"]),
            severity=dict(settings["lint.severity"]),
        )


def matches(rule: Rule, key: str) -> bool:
    """Does a selector (code, code prefix, name, BuildKit name or category) name this rule?"""
    if key.upper() == rule.code or (
        key.upper().startswith("MSB") and rule.code.startswith(key.upper())
    ):
        return True
    return key.lower() == rule.name or key == rule.buildkit or key.lower() == rule.category.value


def names(rule: Rule, key: str) -> bool:
    """Does a selector name exactly this rule (its code, name or BuildKit name)?"""
    return key.upper() == rule.code or key.lower() == rule.name or key == rule.buildkit


def unknown_selectors(keys: Iterable[str]) -> list[str]:
    rules = all_rules()
    return [k for k in keys if k.lower() != "all" and not any(matches(r, k) for r in rules)]


def selected_rules(config: LintConfig) -> list[tuple[Rule, Severity]]:
    """The rules to run, each with its configured severity (worked out once per config)."""
    key = (config.select, config.ignore, tuple(sorted(config.severity.items())))
    found = _SELECTED.get(key)
    if found is None:
        if len(_SELECTED) > 64:
            _SELECTED.clear()
        found = _SELECTED[key] = _select(config)
    return found


_SELECTED: dict[tuple[object, ...], list[tuple[Rule, Severity]]] = {}


def _select(config: LintConfig) -> list[tuple[Rule, Severity]]:
    chosen: list[tuple[Rule, Severity]] = []
    for rule in all_rules():
        if config.select:
            on = any(k.lower() == "all" or matches(rule, k) for k in config.select)
        else:
            on = rule.enabled_by_default
        if on and any(matches(rule, k) for k in config.ignore):
            on = False
        severity = rule.severity
        for key, value in config.severity.items():
            if matches(rule, key):
                if value == "off":
                    on = False
                else:
                    severity = Severity(value)
        if on:
            chosen.append((rule, severity))
    return chosen


def lint(
    df: Dockerfile,
    config: LintConfig | None = None,
    options: LintOptions | None = None,
) -> list[Finding]:
    """Every finding for the document, ordered by position."""
    with paused_gc():  # a large file's findings and parses are millions of objects
        return _lint(df, config, options)


def _lint(
    df: Dockerfile,
    config: LintConfig | None,
    options: LintOptions | None,
) -> list[Finding]:
    config = config or LintConfig()
    ctx = RuleContext(df, options or LintOptions())
    suppressions = Suppressions(df)
    explicitly_selected = set(config.select)
    findings: list[Finding] = []
    budget = Budget(SUGGESTION_BUDGET)
    parses: dict[int, Any] = {}  # shell parses of RUNs, shared by the rules of this run
    with comparison_budget(budget), shared_parses(parses):
        for rule, severity in selected_rules(config):
            _run_rule(ctx, rule, severity, suppressions, explicitly_selected, findings)
    findings.sort(key=lambda f: (f.span.start, f.rule.code))
    return findings


def _run_rule(
    ctx: RuleContext,
    rule: Rule,
    severity: Severity,
    suppressions: Suppressions,
    explicitly_selected: set[str],
    findings: list[Finding],
) -> None:
    """Run one rule and add its findings that no comment suppresses."""
    df = ctx.df
    # An experimental rule runs when a `check=experimental=` enables it, or when selected
    # by its own code or name (a category or code prefix does not count).
    explicit = rule.experimental and any(names(rule, k) for k in explicitly_selected)
    if rule.experimental and not (explicit or suppressions.experimental_anywhere(rule)):
        return
    try:
        violations = list(rule.check(ctx))
    except Exception:  # a broken rule must not take the others (or the server) down
        log.exception("rule %s %s failed", rule.code, rule.name)
        return
    for v in violations:
        instr = df.instruction_at(v.span.start)
        if suppressions.is_suppressed(rule, instr):
            continue
        if rule.experimental and not (explicit or suppressions.experimental_enabled(rule, instr)):
            continue
        level = v.severity or severity
        if suppressions.raises_to_error(rule, instr):
            level = Severity.ERROR
        findings.append(
            Finding(
                rule=rule,
                span=v.span,
                message=v.message,
                severity=level,
                fixes=v.all_fixes,
                related=v.related,
                unnecessary=v.unnecessary,
                deprecated=v.deprecated,
            )
        )


def options_for_path(path: Path | None, settings: Settings) -> LintOptions:
    """Lint options for a Dockerfile on disk, resolving the configured context and ignore file."""
    if path is None:
        return LintOptions()
    context = settings["lint.buildContext"]
    ignore = settings["lint.dockerignore"]
    return LintOptions(
        path=path,
        context_dir=(path.parent / context).resolve() if context else None,
        dockerignore=(path.parent / ignore).resolve() if ignore else None,
    )
