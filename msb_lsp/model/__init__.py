"""The Dockerfile model: a position-exact parser, the stage graph and variable scopes.

Pure Python: nothing here imports pygls or lsprotocol.
"""

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.parser import parse
from msb_lsp.model.span import Pos, Span

__all__ = ["Dockerfile", "Pos", "Span", "parse"]
