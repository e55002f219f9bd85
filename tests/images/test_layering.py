"""The image layer stays an engine layer: no pygls/lsprotocol, httpx only when needed."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import ROOT


def imported_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_no_lsp_libraries_in_the_image_layer() -> None:
    modules = imported_after(
        "import msb_lsp.images.reference, msb_lsp.images.catalog, msb_lsp.images.families,"
        " msb_lsp.images.registry, msb_lsp.images.cache, msb_lsp.images.sizes"
    )
    assert "msb_lsp.images.sizes" in modules
    assert not {m for m in modules if m.split(".")[0] in {"pygls", "lsprotocol"}}


def test_offline_parts_do_not_import_httpx() -> None:
    modules = imported_after("import msb_lsp.images; msb_lsp.images.load_catalog()")
    assert "msb_lsp.images.catalog" in modules
    assert "httpx" not in modules
