"""A code lens on the final stage's FROM: the size of the image the final image is built on,
and what a slimmer base would save ("final image base: node:20 397.7 MB — node:20-alpine would
save 349.8 MB"). Setting `codeLens.enabled`.

The lens carries the stage-usage lens's command (`msb-lsp.showStageUsers`, see codelens.py),
which only answers locations and changes nothing.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from msb_lsp.present.image import lens_title
from msb_lsp.present.targets import final_base
from msb_lsp.server.app import MsbServer
from msb_lsp.server.features.codelens import SHOW_USERS
from msb_lsp.server.features.navigation import dockerfile
from msb_lsp.server.sizes import sizes_of


async def size_lens(ls: MsbServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None or not ls.settings["codeLens.enabled"]:
        return None
    found = final_base(doc.model)
    if found is None:
        return None
    final, root, site = found
    if site is None or site.ref is None:
        return None  # built on nothing known, or on a build argument without default
    sizes = sizes_of(ls)
    await sizes.ready()
    via = None
    if root is not final:
        via = root.name if root.name is not None else str(root.index)
    title = lens_title(sizes.known(site.ref), sizes.catalog, via)
    conv = doc.converter(ls.encoding)
    return [
        lsp.CodeLens(
            range=conv.range(final.from_.keyword_span),
            command=lsp.Command(title=title, command=SHOW_USERS, arguments=[doc.uri, final.index]),
        )
    ]


def register(server: MsbServer) -> None:
    server.contribute(lsp.TEXT_DOCUMENT_CODE_LENS, size_lens)
