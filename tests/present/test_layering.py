"""The presentation layer is plain Python: no pygls or lsprotocol."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import ROOT


def test_present_does_not_import_lsp_libraries() -> None:
    probe = (
        "import msb_lsp.present, msb_lsp.present.image, msb_lsp.present.stage\n"
        "import sys\nprint('\\n'.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = set(result.stdout.split())
    assert "msb_lsp.present.stage" in modules
    assert not {m for m in modules if m.split(".")[0] in {"pygls", "lsprotocol"}}
