"""Build targets outside Dockerfiles (compose, bake, workflows, scripts, Makefiles): completion
of stage names, diagnostics (unknown stage, missing Dockerfile), go-to-definition and hover.

The engine (`msb_lsp.targets`) finds the targets and their Dockerfiles; this module only
translates positions and results. Every handler answers None for documents that are not its
kind and for positions on no target, so other features can answer there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import Stage
from msb_lsp.present.markup import Doc
from msb_lsp.present.stage import stage_hover, summarize_stage
from msb_lsp.rules.base import Severity
from msb_lsp.server.app import DocumentListener, MsbServer
from msb_lsp.server.convert import Converter
from msb_lsp.server.documents import OpenDocument
from msb_lsp.server.features.diagnostics import SOURCE, register_provider
from msb_lsp.server.sizes import client_markdown, sizes_of
from msb_lsp.targets import (
    TARGET_KINDS,
    DockerfileFiles,
    LoadedDockerfile,
    Resolution,
    TargetRef,
    check_targets,
    display_path,
    path_of_uri,
    refs_at,
    resolve,
    targets_in,
)

REFS_KEY = "targets:refs"

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}


def target_refs(doc: OpenDocument) -> list[TargetRef]:
    """The targets written in this document version, read once."""
    refs = doc.cache.get(REFS_KEY)
    if refs is None:
        refs = doc.cache[REFS_KEY] = (
            [] if doc.too_large else targets_in(doc.kind, doc.text, path_of_uri(doc.uri))
        )
    return refs  # type: ignore[no-any-return]


def dockerfiles(ls: MsbServer) -> DockerfileFiles:
    """Dockerfiles as the editor has them: open documents first (their shared parse), then disk."""
    docs = ls.documents.docs
    texts = {uri: d.text for uri, d in docs.items() if not d.too_large}

    def parsed(uri: str) -> Any:
        doc = docs.get(uri)
        return doc.model if doc is not None else None

    return DockerfileFiles(texts, parsed)


def _converter(ls: MsbServer, loaded: LoadedDockerfile) -> Converter:
    doc = ls.document(loaded.uri) if loaded.open else None
    if doc is not None:
        return doc.converter(ls.encoding)
    return Converter(loaded.df.source, ls.encoding)


def _target_document(ls: MsbServer, uri: str) -> OpenDocument | None:
    doc = ls.document(uri)
    if doc is None or doc.kind not in TARGET_KINDS or doc.too_large:
        return None
    return doc


def _at(
    ls: MsbServer, uri: str, position: lsp.Position
) -> tuple[OpenDocument, Converter, Pos, list[TargetRef]] | None:
    doc = _target_document(ls, uri)
    if doc is None:
        return None
    refs = target_refs(doc)
    if not refs:
        return None
    conv = doc.converter(ls.encoding)
    at = conv.pos_inside(position)
    if at is None:
        return None
    return doc, conv, at, refs


# -- completion -----------------------------------------------------------------------------


def _stage_documentation(stage: Stage, loaded: LoadedDockerfile, doc: OpenDocument) -> str:
    folder = doc_folder(doc)
    line = loaded.df.source.lines[stage.from_.start_line].strip()
    where = display_path(loaded.path, folder)
    return f"```dockerfile\n{line}\n```\n`{where}` line {stage.from_.start_line + 1}"


def doc_folder(doc: OpenDocument) -> Path | None:
    path = path_of_uri(doc.uri)
    return path.parent if path is not None else None


def completion(ls: MsbServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    found = _at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    doc, conv, at, refs = found
    candidates = [r for r in refs_at(refs, at) if not r.dynamic]
    if not candidates:
        return None
    files = dockerfiles(ls)
    markdown = lsp.MarkupKind.Markdown in (
        ls.client_supports("text_document.completion.completion_item.documentation_format", None)
        or []
    )
    items: list[lsp.CompletionItem] = []
    seen: set[str] = set()
    for ref in candidates:
        resolution = resolve(ref, files)
        loaded = resolution.file
        if loaded is None:
            continue
        # The edit replaces the value (one line, containing the cursor, as LSP requires);
        # a value still to be written is inserted at the cursor.
        one_line = ref.span.start.line == ref.span.end.line
        span = ref.span if ref.value and one_line else Span(at, at)
        rng = conv.range(span)
        final = loaded.df.final_stage
        for stage in loaded.df.stages:
            name = stage.name
            if name is None or name in seen:
                continue
            seen.add(name)
            text = _stage_documentation(stage, loaded, doc)
            detail = f"stage {stage.index}" + (" (final)" if stage is final else "")
            detail += f" · FROM {stage.base_text}" if stage.base_text else ""
            items.append(
                lsp.CompletionItem(
                    label=name,
                    kind=lsp.CompletionItemKind.Class,
                    detail=detail,
                    documentation=(
                        lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)
                        if markdown
                        else text.replace("`", "")
                    ),
                    sort_text=f"{stage.index:05d}",
                    filter_text=name,
                    text_edit=lsp.TextEdit(range=rng, new_text=f"{ref.quote}{name}{ref.quote}"),
                )
            )
    if not items:
        return None
    return lsp.CompletionList(is_incomplete=False, items=items)


# -- definition -----------------------------------------------------------------------------


def definition(ls: MsbServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    found = _at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    _, _, at, refs = found
    files = dockerfiles(ls)
    locations: list[lsp.Location] = []

    def add(location: lsp.Location) -> None:
        if location not in locations:
            locations.append(location)

    for ref in refs:
        if ref.value and not ref.dynamic and ref.span.contains(at):
            resolution = resolve(ref, files)
            stage, loaded = resolution.stage, resolution.file
            if stage is not None and loaded is not None:
                word = stage.name_word
                span = word.span if word is not None else stage.from_.keyword_span
                add(lsp.Location(loaded.uri, _converter(ls, loaded).range(span)))
        elif ref.file_span is not None and ref.file_span.contains(at):
            loaded = resolve(ref, files).file
            if loaded is not None:
                start = lsp.Position(0, 0)
                add(lsp.Location(loaded.uri, lsp.Range(start, start)))
    return locations or None


# -- hover ------------------------------------------------------------------------------------


async def hover(ls: MsbServer, params: lsp.HoverParams) -> lsp.Hover | None:
    found = _at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    doc, conv, at, refs = found
    chosen = [r for r in refs_at(refs, at) if r.value and not r.dynamic]
    if not chosen:
        return None
    files = dockerfiles(ls)
    markdown = client_markdown(ls)
    parts: list[str] = []
    for ref in chosen:
        resolution = resolve(ref, files)
        text = await _hover_text(ls, doc, resolution, markdown)
        if text and text not in parts:
            parts.append(text)
    if not parts:
        return None
    joiner = "\n\n---\n\n" if markdown else "\n\n"
    kind = lsp.MarkupKind.Markdown if markdown else lsp.MarkupKind.PlainText
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=kind, value=joiner.join(parts)),
        range=conv.range(chosen[0].span),
    )


async def _hover_text(
    ls: MsbServer, doc: OpenDocument, resolution: Resolution, markdown: bool
) -> str | None:
    ref, loaded, stage = resolution.ref, resolution.file, resolution.stage
    if loaded is None:
        return None
    out = Doc(markdown)
    where = display_path(loaded.path, doc_folder(doc))
    if stage is None:
        names = resolution.stage_names
        listed = ", ".join(out.code(n) for n in names) if names else out.text("none")
        out.para(
            out.bold(out.text("No stage ") + out.code(ref.value)),
            out.text("in") + " " + out.code(where) + out.text(";"),
            out.text("named stages:"),
            listed,
        )
        return out.render()
    title = out.text(f"Target of {ref.origin}:" if ref.origin else "Target:")
    out.para(title, out.code(where), out.text(f"line {stage.from_.start_line + 1}"))
    sizes = sizes_of(ls)
    await sizes.ready()
    summary = summarize_stage(loaded.df, stage, sizes.known)
    return out.render() + "\n\n" + stage_hover(summary, markdown=markdown)


# -- diagnostics ------------------------------------------------------------------------------


def diagnostics(ls: MsbServer, doc: OpenDocument) -> list[lsp.Diagnostic]:
    refs = target_refs(doc)
    if not refs:
        return []
    _, config = ls.lint_config_for(doc)
    conv = doc.converter(ls.encoding)
    items: list[lsp.Diagnostic] = []
    for problem in check_targets(refs, dockerfiles(ls), config):
        related = None
        loaded = problem.dockerfile
        if loaded is not None:
            final = loaded.df.final_stage
            span = final.from_.keyword_span if final is not None else Span.on_line(0, 0, 0)
            names = [s.name for s in loaded.df.stages if s.name is not None]
            listed = ", ".join(names) if names else "none"
            related = [
                lsp.DiagnosticRelatedInformation(
                    lsp.Location(loaded.uri, _converter(ls, loaded).range(span)),
                    f"named stages in {loaded.path.name}: {listed}",
                )
            ]
        data: dict[str, Any] = {
            "rule": problem.name,
            "fixes": [problem.fix.to_data()] if problem.fix else [],
            "version": doc.version,
        }
        items.append(
            lsp.Diagnostic(
                range=conv.range(problem.span),
                message=problem.message,
                severity=_SEVERITY[problem.severity],
                code=problem.code,
                code_description=lsp.CodeDescription(href=problem.url) if problem.url else None,
                source=SOURCE,
                related_information=related,
                data=data,
            )
        )
    return items


class _Dependents(DocumentListener):
    """When a Dockerfile is opened, edited, saved or closed, the open documents whose targets
    refer to it get their diagnostics again (pushed, or refreshed for pull clients)."""

    def __init__(self, server: MsbServer) -> None:
        self.server = server

    def _refresh(self, uri: str) -> None:
        path = path_of_uri(uri)
        publisher = self.server.services.get("diagnostics")
        if path is None or publisher is None:
            return
        for other in list(self.server.documents.docs.values()):
            if other.uri == uri or other.kind not in TARGET_KINDS or other.too_large:
                continue
            if any(r.dockerfile == path for r in target_refs(other)):
                publisher.dependency_changed(other)

    def opened(self, doc: OpenDocument) -> None:
        if doc.kind not in TARGET_KINDS:
            self._refresh(doc.uri)

    def changed(self, doc: OpenDocument) -> None:
        if doc.kind not in TARGET_KINDS:
            self._refresh(doc.uri)

    def saved(self, doc: OpenDocument) -> None:
        if doc.kind not in TARGET_KINDS:
            self._refresh(doc.uri)

    def closed(self, uri: str) -> None:
        self._refresh(uri)


def register(server: MsbServer) -> None:
    for kind in sorted(TARGET_KINDS, key=lambda k: k.value):
        register_provider(kind, diagnostics)
    server.document_listeners.append(_Dependents(server))
    server.contribute(lsp.TEXT_DOCUMENT_COMPLETION, completion)
    server.contribute(lsp.TEXT_DOCUMENT_DEFINITION, definition)
    server.contribute(lsp.TEXT_DOCUMENT_HOVER, hover)
