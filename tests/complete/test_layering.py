"""The completion engine is an engine layer: it never imports pygls or lsprotocol."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import ROOT


def test_no_lsp_libraries_in_the_completion_engine() -> None:
    probe = (
        "import sys, msb_lsp.complete\n"
        "from msb_lsp.model import parse, Pos\n"
        "msb_lsp.complete.complete(parse('FROM a AS b\\nFROM c\\nCOPY --from= x y\\n'), Pos(2, 12))\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = set(result.stdout.split())
    assert "msb_lsp.complete.dockerfile" in modules
    assert not {m for m in modules if m.split(".")[0] in {"pygls", "lsprotocol"}}
    assert "httpx" not in modules  # offline: the catalog only
