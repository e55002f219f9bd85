"""Configuration: the settings schema and the project file (`.msb-lsp.toml`, pyproject.toml)."""
