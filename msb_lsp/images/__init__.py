"""Base images: references, the offline size catalog, image families, the registry client,
its disk cache and the size service that combines them.

This layer never imports pygls or lsprotocol; front ends (LSP server, CLI) build on it.
"""

from __future__ import annotations
