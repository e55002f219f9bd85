"""Documentation generated from the code: rule pages, the rule index, the settings page.

`scripts/gen_docs.py` writes them under docs/; a test fails when the files are stale, and
`msb-lsp rule NAME` prints the same page in a terminal.
"""

from __future__ import annotations

from msb_lsp.config.settings import SECTION, SETTINGS
from msb_lsp.rules.base import Rule


def rule_page(rule: Rule) -> str:
    lines = [f"# {rule.name} ({rule.code})", "", rule.summary + ".", ""]
    facts = [
        f"- Default severity: {rule.severity.value}",
        f"- Category: {rule.category.value}",
        f"- Fix: {'yes' if rule.fixable else 'no'}",
    ]
    if rule.buildkit:
        url = rule.buildkit_url
        link = f"[`{rule.buildkit}`]({url})" if url else f"`{rule.buildkit}`"
        facts.append(f"- BuildKit equivalent: {link}")
    if rule.hadolint:
        facts.append(f"- hadolint equivalent: {', '.join(rule.hadolint)}")
    if rule.experimental:
        facts.append(
            "- Experimental in BuildKit: runs only when enabled (`# check=experimental=...`)"
        )
    if not rule.enabled_by_default:
        facts.append("- Off by default: enable it with `select`")
    lines += [*facts, "", rule.doc.strip(), ""]
    lines += [
        "## Suppressing it",
        "",
        f"`# msb-lsp: ignore={rule.name}` on the line above the instruction"
        + (f", or BuildKit's `# check=skip={rule.buildkit}`" if rule.buildkit else "")
        + (f", or `# hadolint ignore={','.join(rule.hadolint)}`" if rule.hadolint else "")
        + f'; for a whole project, `ignore = ["{rule.name}"]` in `.msb-lsp.toml`.',
        "",
    ]
    return "\n".join(lines)


def rule_index(rules: list[Rule]) -> str:
    lines = [
        "# Rules",
        "",
        "Generated from the rules by `scripts/gen_docs.py`; do not edit.",
        "",
        "| Code | Name | Severity | Fix | BuildKit | hadolint | Summary |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        lines.append(
            f"| {r.code} | [{r.name}]({r.name}.md) | {r.severity.value} | "
            f"{'yes' if r.fixable else ''} | {r.buildkit or ''} | {', '.join(r.hadolint)} | "
            f"{r.summary} |"
        )
    return "\n".join(lines) + "\n"


def configuration_page() -> str:
    lines = [
        "# Configuration",
        "",
        "Generated from `msb_lsp/config/settings.py` by `scripts/gen_docs.py`; do not edit.",
        "",
        f"Editors send these under the section `{SECTION}` (pushed with",
        "`workspace/didChangeConfiguration` or `initializationOptions`, or pulled with",
        "`workspace/configuration`). The project file `.msb-lsp.toml` (or `[tool.msb-lsp]` in",
        "`pyproject.toml`) takes `select`, `ignore`, `severity`, `dockerignore` and",
        "`build-context`, and wins over editor settings. It is the nearest one at or above",
        "the Dockerfile; edits to it apply at once, a new or deleted one within two seconds.",
        "",
        "| Setting | Type | Default | Description |",
        "| --- | --- | --- | --- |",
    ]
    for s in SETTINGS:
        default = f"`{_json(s.default)}`"
        lines.append(f"| `{SECTION}.{s.key}` | {s.type} | {default} | {s.description} |")
    return "\n".join(lines) + "\n"


def _json(value: object) -> str:
    import json

    return json.dumps(value)
