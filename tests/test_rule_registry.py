"""Every rule is registered once, documented, and its generated docs are up to date."""

from __future__ import annotations

import re
import subprocess
import sys

from msb_lsp.rules import all_rules, find_rule
from tests.support.paths import ROOT

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


def test_codes_and_names_are_unique_and_well_formed() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert re.fullmatch(r"MSB\d{3}", r.code)
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", r.name)


def test_every_rule_has_its_doc_sections() -> None:
    for r in all_rules():
        for section in SECTIONS:
            assert section in r.doc, f"{r.code} {r.name} lacks {section!r}"
        if r.fixable:
            assert "## Fix" in r.doc, f"{r.code} {r.name} is fixable but has no '## Fix' section"


def test_every_rule_has_a_test_module() -> None:
    for r in all_rules():
        module = r.check.__module__.rsplit(".", 1)[-1]
        assert (ROOT / "tests" / "rules" / f"test_{module}.py").is_file(), f"no tests for {r.name}"


def test_rules_are_found_by_code_name_and_buildkit_name() -> None:
    rule = all_rules()[0]
    assert find_rule(rule.code.lower()) is rule
    assert find_rule(rule.name) is rule


def test_generated_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, f"run scripts/gen_docs.py:\n{result.stdout}"
