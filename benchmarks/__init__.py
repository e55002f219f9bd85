"""The project's own benchmarks (not part of the msb_lsp package)."""
