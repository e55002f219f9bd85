"""Write docs/rules/*.md and docs/configuration.md from the rules and the settings schema.

Usage: python scripts/gen_docs.py [--check]   (--check: exit 1 if any file is stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

from msb_lsp.docsgen import configuration_page, rule_index, rule_page
from msb_lsp.rules import all_rules

DOCS = Path(__file__).resolve().parents[1] / "docs"


def expected_files() -> dict[Path, str]:
    rules = all_rules()
    files = {DOCS / "rules" / "index.md": rule_index(rules)}
    files.update({DOCS / "rules" / f"{r.name}.md": rule_page(r) for r in rules})
    files[DOCS / "configuration.md"] = configuration_page()
    return files


def main(argv: list[str]) -> int:
    check = "--check" in argv
    files = expected_files()
    stale = [p for p, text in files.items() if not p.is_file() or p.read_text() != text]
    extra = (
        [p for p in (DOCS / "rules").glob("*.md") if p not in files]
        if (DOCS / "rules").is_dir()
        else []
    )
    if check:
        for p in stale + extra:
            print(f"stale: {p.relative_to(DOCS.parent)}")
        return 1 if stale or extra else 0
    for p in extra:
        p.unlink()
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(files[p])
    print(f"wrote {len(stale)} file(s), removed {len(extra)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
