"""msb-lsp: a language server for Dockerfiles focused on multi-stage builds and small images."""

__version__ = "0.1.0"
