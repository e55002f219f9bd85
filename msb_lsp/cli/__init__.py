"""The command line: `msb-lsp` (serve), `msb-lsp check`, `msb-lsp rule`, `msb-lsp size`."""
