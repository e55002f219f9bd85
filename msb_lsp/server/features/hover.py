"""Hover on images and stages.

- An image in `FROM`, `COPY --from=<image>` or `RUN --mount=...,from=<image>`: its download
  size per platform, where the figure comes from, an on-disk estimate and lighter variants
  (`msb_lsp.present.image`). The answer comes at once from the cache or the catalog; with the
  registry on it waits at most `hover.waitForRegistryMs` for a live figure and otherwise leaves
  the lookup running for the next hover.
- A stage name (`AS build`) or a reference to a stage: its summary (`msb_lsp.present.stage`).
- A variable (`$NAME`, `${NAME}`, an ARG or ENV key): its value there and where it was set
  (`msb_lsp.present.variable`).

Answers None anywhere else, so other features may answer there.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from msb_lsp.model.span import Pos
from msb_lsp.model.variables import StageScopes
from msb_lsp.navigate.index import NavIndex, Occurrence, SymbolKind
from msb_lsp.present.image import image_hover, unresolved_hover
from msb_lsp.present.stage import stage_hover, summarize_stage
from msb_lsp.present.targets import ImageSite, image_site_at, image_sites
from msb_lsp.present.variable import variable_hover
from msb_lsp.server.app import MsbServer
from msb_lsp.server.convert import Converter
from msb_lsp.server.documents import OpenDocument
from msb_lsp.server.features.codelens import usages_of
from msb_lsp.server.features.navigation import dockerfile, nav_index, position
from msb_lsp.server.sizes import client_markdown, sizes_of

SITES_KEY = "present:image-sites"
SCOPES_KEY = "present:variable-scopes"


def sites_of(doc: OpenDocument) -> list[ImageSite]:
    """The image references of this document version, computed once."""
    sites = doc.cache.get(SITES_KEY)
    if sites is None:
        sites = doc.cache[SITES_KEY] = image_sites(doc.model)
    return sites  # type: ignore[no-any-return]


def _content(text: str, markdown: bool) -> lsp.MarkupContent:
    kind = lsp.MarkupKind.Markdown if markdown else lsp.MarkupKind.PlainText
    return lsp.MarkupContent(kind=kind, value=text)


async def hover(ls: MsbServer, params: lsp.HoverParams) -> lsp.Hover | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None:
        return None
    conv = doc.converter(ls.encoding)
    at = position(doc, conv, params.position)
    if at is None:
        return None
    markdown = client_markdown(ls)
    site = image_site_at(doc.model, at, sites_of(doc))
    if site is not None:
        rng = conv.range(site.span)
        if site.ref is None:
            if not site.unknown:
                return None  # not a valid reference: the diagnostics say so
            text = unresolved_hover(site.written, site.unknown, markdown=markdown)
            return lsp.Hover(contents=_content(text, markdown), range=rng)
        sizes = sizes_of(ls)
        await sizes.ready()
        wait_ms = ls.settings["hover.waitForRegistryMs"]
        answer, pending = await sizes.answer(site.ref, wait_ms / 1000)
        text = image_hover(
            answer,
            sizes.catalog,
            markdown=markdown,
            written=site.written if site.expanded else None,
            pending=pending,
            waited_ms=wait_ms,
        )
        return lsp.Hover(contents=_content(text, markdown), range=rng)

    index = nav_index(doc)
    occurrence = index.at(at)
    if occurrence is None or occurrence.symbol.kind == SymbolKind.VARIABLE:
        return _variable(doc, conv, index, at, occurrence, markdown)
    if occurrence.symbol.kind != SymbolKind.STAGE:
        return None
    stage = occurrence.symbol.stage
    if stage is None:
        return None
    rng = conv.range(occurrence.span)
    sizes = sizes_of(ls)
    await sizes.ready()
    summary = summarize_stage(doc.model, stage, sizes.known, usages_of(doc))
    text = stage_hover(summary, markdown=markdown)
    return lsp.Hover(contents=_content(text, markdown), range=rng)


def _variable(
    doc: OpenDocument,
    conv: Converter,
    index: NavIndex,
    at: Pos,
    occurrence: Occurrence | None,
    markdown: bool,
) -> lsp.Hover | None:
    """A variable's value where it is used or set; also for a use that no ARG/ENV binds."""
    if occurrence is not None and occurrence.instruction is not None:
        name, span, instr = occurrence.symbol.name, occurrence.span, occurrence.instruction
        defining = occurrence.write
    else:
        use = next((u for u in index.var_uses if u.span.start <= at <= u.span.end), None)
        if use is None:
            return None
        name, span, instr, defining = use.name, use.span, use.instruction, False
    scopes = doc.cache.get(SCOPES_KEY)
    if scopes is None:  # ARG/ENV scopes of this version, shared by the hovers that follow
        scopes = doc.cache[SCOPES_KEY] = StageScopes(doc.model)
    text = variable_hover(
        doc.model, instr, name, defining=defining, markdown=markdown, scopes=scopes
    )
    return lsp.Hover(contents=_content(text, markdown), range=conv.range(span))


def register(server: MsbServer) -> None:
    server.contribute(lsp.TEXT_DOCUMENT_HOVER, hover)
