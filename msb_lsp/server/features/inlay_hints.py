"""Inlay hints: the download size after each `FROM <image>` (setting `inlayHints.imageSize`).

Figures come from what is known without the network (the disk cache when the registry is on,
else the catalog); a hover's background lookup refreshes them. Only hints inside the range the
client asks for are returned.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from msb_lsp.images.sizes import SizeAnswer
from msb_lsp.model.stages import RefKind
from msb_lsp.present.image import inlay_label, inlay_tooltip
from msb_lsp.server.app import MsbServer
from msb_lsp.server.features.hover import sites_of
from msb_lsp.server.features.navigation import dockerfile
from msb_lsp.server.sizes import sizes_of


async def inlay_hints(ls: MsbServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint] | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None or not ls.settings["inlayHints.imageSize"]:
        return None
    conv = doc.converter(ls.encoding)
    wanted = conv.span(params.range)
    sizes = sizes_of(ls)
    await sizes.ready()
    hints: list[lsp.InlayHint] = []
    answers: dict[str, SizeAnswer] = {}  # one look per image, however many stages use it
    for site in sites_of(doc):
        if site.kind != RefKind.FROM or site.ref is None:
            continue
        at = site.span.end
        if not wanted.start <= at <= wanted.end:
            continue
        answer = answers.get(site.ref.canonical)
        if answer is None:
            answer = answers[site.ref.canonical] = sizes.known(site.ref)
        label = inlay_label(answer)
        if label is None:
            continue
        hints.append(
            lsp.InlayHint(
                position=conv.position(at),
                label=label,
                tooltip=inlay_tooltip(answer),
                padding_left=True,
            )
        )
    return hints


def register(server: MsbServer) -> None:
    server.contribute(lsp.TEXT_DOCUMENT_INLAY_HINT, inlay_hints)
