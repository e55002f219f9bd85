"""Suppression comments, read once per document.

- BuildKit: `# check=skip=Rule1,Rule2` / `skip=all` as the parser directive at the top (the
  whole file), or in the comment lines directly above an instruction (that instruction only);
  `error=true` raises BuildKit-equivalent findings to errors; `experimental=` turns on
  experimental BuildKit checks.
- hadolint: `# hadolint ignore=DL3022,...` above an instruction, `# hadolint global ignore=...`.
- msb-lsp: `# msb-lsp: ignore=<code-or-name>,...` above an instruction, and
  `# msb-lsp: ignore-file=<code-or-name>,...` anywhere for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from msb_lsp.model.checks import CheckConfig, check_in_comment, parse_check_value
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Instruction
from msb_lsp.rules.base import Rule

_HADOLINT = re.compile(r"^hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]+)$")
_MSB = re.compile(r"^msb-lsp\s*:\s*(ignore|ignore-file)\s*=\s*([A-Za-z0-9_,\s-]+)$")


@dataclass(slots=True)
class _Local:
    check: CheckConfig = field(default_factory=CheckConfig)
    hadolint: set[str] = field(default_factory=set)
    msb: set[str] = field(default_factory=set)


class Suppressions:
    def __init__(self, df: Dockerfile) -> None:
        self.df = df
        directive = df.directive("check")
        self.file_check = parse_check_value(directive.value)[0] if directive else CheckConfig()
        self.hadolint_global: set[str] = set()
        self.msb_file: set[str] = set()
        for comment in df.comments:
            m = _HADOLINT.match(comment.text)
            if m and m.group(1):
                self.hadolint_global |= _codes(m.group(2))
            m2 = _MSB.match(comment.text)
            if m2 and m2.group(1) == "ignore-file":
                self.msb_file |= _keys(m2.group(2))
        self._local: dict[int, _Local] = {}

    def _for(self, instr: Instruction) -> _Local:
        cached = self._local.get(id(instr))
        if cached is not None:
            return cached
        local = _Local()
        for comment in instr.comments:
            value = check_in_comment(comment.text)
            if value is not None:
                local.check = local.check.merged(parse_check_value(value)[0])
            m = _HADOLINT.match(comment.text)
            if m and not m.group(1):
                local.hadolint |= _codes(m.group(2))
            m2 = _MSB.match(comment.text)
            if m2 and m2.group(1) == "ignore":
                local.msb |= _keys(m2.group(2))
        self._local[id(instr)] = local
        return local

    def check_config(self, instr: Instruction | None) -> CheckConfig:
        if instr is None:
            return self.file_check
        top = instr.parent or instr
        return self.file_check.merged(self._for(top).check)

    def is_suppressed(self, rule: Rule, instr: Instruction | None) -> bool:
        keys = {rule.code.lower(), rule.name}
        if keys & self.msb_file:
            return True
        if rule.hadolint and set(rule.hadolint) & self.hadolint_global:
            return True
        check = self.check_config(instr)
        # BuildKit: experimental rules ignore `skip` (the other comments still apply).
        skipped = check.skip_all or rule.buildkit in check.skip
        if rule.buildkit is not None and not rule.experimental and skipped:
            return True
        if instr is None:
            return False
        local = self._for(instr.parent or instr)
        if rule.hadolint and set(rule.hadolint) & local.hadolint:
            return True
        return bool(keys & local.msb)

    def experimental_enabled(self, rule: Rule, instr: Instruction | None = None) -> bool:
        """`experimental=` at the top, or in the comments above `instr` (that one only)."""
        enabled = self.check_config(instr).experimental
        return "all" in enabled or (rule.buildkit is not None and rule.buildkit in enabled)

    def experimental_anywhere(self, rule: Rule) -> bool:
        """Whether any `check=experimental=` (top or above an instruction) enables `rule`."""
        if self.experimental_enabled(rule):
            return True
        return any(self.experimental_enabled(rule, i) for i in self.df.instructions if i.comments)

    def raises_to_error(self, rule: Rule, instr: Instruction | None) -> bool:
        return rule.buildkit is not None and bool(self.check_config(instr).error)


def _codes(text: str) -> set[str]:
    return {c.strip().upper() for c in text.split(",") if c.strip()}


def _keys(text: str) -> set[str]:
    return {c.strip().lower() for c in text.split(",") if c.strip()}
