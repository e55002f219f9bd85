"""`python -m msb_lsp` runs the same entry point as the `msb-lsp` console script."""

from msb_lsp.cli.main import main

raise SystemExit(main())
