"""A code lens above each FROM: which stages use the stage, or that it is the final stage, or
that a plain `docker build` skips it (built only with `--target`).

Each lens carries the command `msb-lsp.showStageUsers`, which answers the locations of the
references to the stage (clients can show them; running it changes nothing).
"""

from __future__ import annotations

from lsprotocol import types as lsp

from msb_lsp.navigate.usage import StageUsage, stage_usages
from msb_lsp.server.app import MsbServer
from msb_lsp.server.documents import OpenDocument
from msb_lsp.server.features.navigation import dockerfile

SHOW_USERS = "msb-lsp.showStageUsers"
USAGE_KEY = "navigate:usage"


def usages_of(doc: OpenDocument) -> list[StageUsage]:
    cached = doc.cache.get(USAGE_KEY)
    if cached is None:
        cached = doc.cache[USAGE_KEY] = stage_usages(doc.model)
    return cached  # type: ignore[no-any-return]


def code_lenses(ls: MsbServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None:
        return None
    conv = doc.converter(ls.encoding)
    lenses = []
    for usage in usages_of(doc):
        rng = conv.range(usage.stage.from_.keyword_span)
        lenses.append(
            lsp.CodeLens(
                range=rng,
                command=lsp.Command(
                    title=usage.title,
                    command=SHOW_USERS,
                    arguments=[doc.uri, usage.stage.index],
                ),
            )
        )
    return lenses


def register(server: MsbServer) -> None:
    server.contribute(lsp.TEXT_DOCUMENT_CODE_LENS, code_lenses)

    @server.command(SHOW_USERS)
    def show_users(ls: MsbServer, uri: str, stage: int) -> list[lsp.Location]:
        """The references to a stage from other stages (what its lens counts)."""
        doc = dockerfile(ls, uri)
        if doc is None or not isinstance(stage, int):
            return []
        usages = usages_of(doc)
        if not 0 <= stage < len(usages):
            return []
        conv = doc.converter(ls.encoding)
        return [lsp.Location(uri, conv.range(ref.span)) for ref in usages[stage].refs]
