"""Where the test suite finds the project and the optional ../shared material."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_shared = Path(os.environ.get("MSB_LSP_SHARED", ROOT.parent / "shared"))
SHARED: Path | None = _shared if _shared.is_dir() else None
