"""What the fuzz sessions are made of: documents, edits and requests, drawn with hypothesis.

Documents are lines of Dockerfile (every instruction, flags, heredocs, continuations, parser
directives, variables) mixed with noise; edits and request positions aim at the places
position conversions get wrong: line ends and beyond, `\\r\\n` and lone `\\r`, characters
outside the BMP (two UTF-16 units, four UTF-8 bytes), combining characters, U+2028 (not an
LSP line break), an empty document, the whole document.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from lsprotocol import types as lsp

from tests.fuzz.harness import DOCUMENT_TEXT, Session
from tests.fuzz.textmodel import TextModel

JSON = Any

LINES = [
    "FROM node:20 AS build",
    "FROM build AS test",
    "FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS builder",
    "FROM ${BASE:-alpine}:${TAG} AS final",
    "FROM scratch",
    "FROM Build",
    "from alpine as lower",
    "FROM builder",
    "FROM 0",
    "COPY --from=build /app/dist /usr/share/nginx/html",
    "COPY --from=0 /a /b",
    "COPY --from=buidl /x /y",
    "COPY --from=${STAGE} . .",
    "ADD --chown=app:app --chmod=755 . /src",
    "RUN --mount=type=cache,target=/root/.npm,from=build npm ci",
    "RUN --mount=type=bind,from=builder,source=/out,target=/in cp /in/app /app",
    "RUN apt-get update && apt-get install -y curl",
    "RUN pip install requests",
    "RUN npm install --production",
    "RUN go build -o /out/app ./cmd/app",
    "RUN <<EOF",
    "echo inside a heredoc $HOME",
    "EOF",
    "COPY <<EOT /etc/config",
    "EOT",
    "RUN echo one \\",
    "  && echo two",
    "ARG VERSION=1.0",
    "ARG BASE",
    "ARG TAG=3.19 OTHER=${VERSION:-x}",
    "ENV PATH=/app:$PATH APP=${VERSION:+v$VERSION}",
    "ENV legacy value",
    "LABEL org.opencontainers.image.title=demo",
    "WORKDIR app",
    "WORKDIR /srv/$APP",
    "USER root",
    "USER nobody",
    "EXPOSE 8080/TCP",
    "CMD npm start",
    'CMD ["node", "server.js"]',
    'ENTRYPOINT ["/app"]',
    "HEALTHCHECK --interval=5s CMD curl -f http://localhost/",
    "ONBUILD RUN make",
    'SHELL ["/bin/bash", "-c"]',
    "STOPSIGNAL SIGTERM",
    "VOLUME /data",
    "MAINTAINER someone",
    "# syntax=docker/dockerfile:1",
    "# escape=`",
    "# check=skip=JSONArgsRecommended;error=true",
    "# msb-lsp: ignore=unused-stage",
    "# hadolint ignore=DL3008",
    "# a comment with é and 😀",
    "FROM alpine AS étape",
    "LABEL note=a\u2028b",
    "RUN echo e\u0301 \U0001d518 中文",
    "",
    "   ",
    "\t",
    "FROM",
    "COPY --from=",
    "RUN --mount=",
    "${",
    "$",
    "\\",
]
SPECIAL = [
    "é",
    "e\u0301",  # e + combining acute
    "😀",  # outside the BMP: 2 UTF-16 units, 4 UTF-8 bytes
    "\U0001d518",
    "中",
    "\u2028",  # not an LSP line break
    "\u0085",
    "\x0c",
    "\x00",
    "\t",
    "\\",
    "`",
    "$",
    "{",
    "}",
    '"',
    "'",
    "=",
    "-",
    ":",
    "#",
    "<<",
    " ",
]
BREAKS = ["\n", "\n", "\n", "\r\n", "\r"]
FRAGMENTS = [
    "FROM alpine AS a\n",
    "COPY --from=a /x /y\n",
    "RUN <<EOF\necho x\nEOF\n",
    "${VAR:-default}",
    "$HOME",
    " AS stage",
    "--from=",
    "\\\n",
    "\\\r\n",
    "# escape=`\n",
    "ARG A=1\n",
    "ENV B=$A\n",
]

# Pieces are joined (`e` + combining accent and `<<` are more than one character).
noise = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8")), max_size=12
).map("".join)
lines = st.one_of(st.sampled_from(LINES), st.sampled_from(LINES), noise)


@st.composite
def documents(draw: st.DrawFn) -> str:
    body = draw(st.lists(lines, max_size=18))
    breaks = draw(st.lists(st.sampled_from(BREAKS), min_size=len(body), max_size=len(body)))
    text = "".join(line + brk for line, brk in zip(body, breaks, strict=True))
    if body and draw(st.booleans()):
        text = text[: -len(breaks[-1])]  # no line break at the end
    return text


inserted = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.sampled_from(BREAKS),
    st.lists(
        st.one_of(st.sampled_from(SPECIAL + BREAKS), st.characters(codec="utf-8")), max_size=8
    ).map("".join),
    st.just(""),
)


# -- positions -------------------------------------------------------------------------------


@st.composite
def edit_positions(draw: st.DrawFn, model: TextModel) -> tuple[int, int]:
    """A position an edit may use: on a character boundary, at or past the end of its line,
    or (rarely) on a line past the end of the document."""
    count = len(model.lines)
    line = draw(
        st.one_of(
            st.integers(0, count - 1), st.integers(0, count - 1), st.integers(count, count + 2)
        )
    )
    if line >= count:
        return line, draw(st.integers(0, 3))
    info = model.lines[line]
    column = draw(
        st.one_of(
            st.sampled_from(info.boundaries),
            st.just(info.width),
            st.integers(info.width, info.width + 4),
        )
    )
    return line, column


@st.composite
def ranges(draw: st.DrawFn, model: TextModel) -> JSON:
    a = draw(edit_positions(model))
    b = draw(edit_positions(model))
    start, end = sorted([a, b], key=lambda p: (model.offset(*p), p))
    return _range(start, end)


def _position(p: tuple[int, int]) -> JSON:
    return {"line": p[0], "character": p[1]}


def _range(a: tuple[int, int], b: tuple[int, int]) -> JSON:
    return {"start": _position(a), "end": _position(b)}


@st.composite
def changes(draw: st.DrawFn, model: TextModel) -> list[JSON]:
    """The content changes of one didChange (each applies to the text the previous one left)."""
    out: list[JSON] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ["insert", "insert", "replace", "replace", "delete", "break", "all", "whole"]
            )
        )
        if kind == "insert":
            p = draw(edit_positions(model))
            change = {"range": _range(p, p), "text": draw(inserted)}
        elif kind == "replace":
            change = {"range": draw(ranges(model)), "text": draw(inserted)}
        elif kind == "delete":
            change = {"range": draw(ranges(model)), "text": ""}
        elif kind == "break":
            # At a line end: split `\r\n`-sensitive places, join lines, or add a break.
            line = draw(st.integers(0, len(model.lines) - 1))
            end = (line, model.lines[line].width)
            if line + 1 < len(model.lines) and draw(st.booleans()):
                change = {
                    "range": _range(end, (line + 1, 0)),
                    "text": draw(st.sampled_from(["", *BREAKS, " "])),
                }
            else:
                change = {"range": _range(end, end), "text": draw(st.sampled_from(BREAKS))}
        elif kind == "all":
            change = {
                "range": _range((0, 0), model.end),
                "text": draw(st.sampled_from(["", *FRAGMENTS])),
            }
        else:
            change = {"text": draw(documents())}
        out.append(change)
        model = TextModel(model.apply([change]), model.encoding)
    return out


@st.composite
def request_positions(draw: st.DrawFn, model: TextModel) -> tuple[JSON, tuple[int, int] | None]:
    """A request position and, when it lies in the document on a character boundary, the
    position itself (answers are then checked to contain it)."""
    count = len(model.lines)
    kind = draw(
        st.sampled_from(
            ["valid", "valid", "valid", "valid", "past-line", "past-doc", "huge", "split"]
        )
    )
    line = draw(st.integers(0, count - 1))
    info = model.lines[line]
    if kind == "valid":
        column = draw(st.sampled_from(info.boundaries))
        return _position((line, column)), (line, column)
    if kind == "past-line":
        return _position((line, info.width + draw(st.integers(1, 5)))), None
    if kind == "past-doc":
        return _position((count + draw(st.integers(0, 3)), draw(st.integers(0, 5)))), None
    if kind == "huge":
        return _position((draw(st.sampled_from([line, 2**31 - 1])), 2**31 - 1)), None
    inside = [
        c + 1 for c, nxt in zip(info.boundaries, info.boundaries[1:], strict=False) if nxt - c > 1
    ]
    if not inside:
        column = draw(st.sampled_from(info.boundaries))
        return _position((line, column)), (line, column)
    return _position((line, draw(st.sampled_from(inside)))), None  # inside a character


@st.composite
def request_ranges(draw: st.DrawFn, model: TextModel) -> JSON:
    a, _ = draw(request_positions(model))
    b, _ = draw(request_positions(model))
    start, end = sorted([a, b], key=lambda p: (p["line"], p["character"]))
    return {"start": start, "end": end}


# -- requests --------------------------------------------------------------------------------
#
# What earlier answers handed out (diagnostics, items to resolve, commands) depends on the
# server's timing. Hypothesis needs the same draws for the same choices, so nothing below
# draws from such a pool directly: it draws a number and picks with it (`_pick`).


def _pick(draw: st.DrawFn, pool: list[Any]) -> Any:
    """An element of a pool whose size hypothesis cannot know in advance, or None."""
    number = draw(st.integers(0, 2**16))
    return pool[number % len(pool)] if pool else None


def _picks(draw: st.DrawFn, pool: list[Any], most: int) -> list[Any]:
    numbers = draw(st.lists(st.integers(0, 2**16), max_size=most))
    return [pool[n % len(pool)] for n in numbers] if pool else []


POSITION_METHODS = {
    "hoverProvider": lsp.TEXT_DOCUMENT_HOVER,
    "definitionProvider": lsp.TEXT_DOCUMENT_DEFINITION,
    "declarationProvider": lsp.TEXT_DOCUMENT_DECLARATION,
    "typeDefinitionProvider": lsp.TEXT_DOCUMENT_TYPE_DEFINITION,
    "implementationProvider": lsp.TEXT_DOCUMENT_IMPLEMENTATION,
    "documentHighlightProvider": lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT,
    "signatureHelpProvider": lsp.TEXT_DOCUMENT_SIGNATURE_HELP,
    "linkedEditingRangeProvider": lsp.TEXT_DOCUMENT_LINKED_EDITING_RANGE,
    "monikerProvider": lsp.TEXT_DOCUMENT_MONIKER,
    "callHierarchyProvider": lsp.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY,
    "typeHierarchyProvider": lsp.TEXT_DOCUMENT_PREPARE_TYPE_HIERARCHY,
}
DOCUMENT_METHODS = {
    "documentSymbolProvider": lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
    "foldingRangeProvider": lsp.TEXT_DOCUMENT_FOLDING_RANGE,
    "documentLinkProvider": lsp.TEXT_DOCUMENT_DOCUMENT_LINK,
    "codeLensProvider": lsp.TEXT_DOCUMENT_CODE_LENS,
    "colorProvider": lsp.TEXT_DOCUMENT_DOCUMENT_COLOR,
    "diagnosticProvider": lsp.TEXT_DOCUMENT_DIAGNOSTIC,
    "documentFormattingProvider": lsp.TEXT_DOCUMENT_FORMATTING,
}
RANGE_METHODS = {
    "inlayHintProvider": lsp.TEXT_DOCUMENT_INLAY_HINT,
    "inlineValueProvider": lsp.TEXT_DOCUMENT_INLINE_VALUE,
    "documentRangeFormattingProvider": lsp.TEXT_DOCUMENT_RANGE_FORMATTING,
}
# Server capabilities that are not requests on a document.
NOT_REQUESTS = frozenset(
    {"positionEncoding", "textDocumentSync", "notebookDocumentSync", "workspace", "experimental"}
)
RESOLVES = {
    "completionProvider": lsp.COMPLETION_ITEM_RESOLVE,
    "codeActionProvider": lsp.CODE_ACTION_RESOLVE,
    "codeLensProvider": lsp.CODE_LENS_RESOLVE,
    "documentLinkProvider": lsp.DOCUMENT_LINK_RESOLVE,
    "inlayHintProvider": lsp.INLAY_HINT_RESOLVE,
}
NEW_NAMES = ["renamed", "build2", "B", "x y", "", "FROM", "a-b", "$X", "étape", "😀", "A_1", "0"]


def advertised_methods(caps: dict[str, JSON]) -> tuple[list[str], list[str]]:
    """The request methods the capabilities announce, and capabilities this suite does not
    know how to exercise."""
    methods: list[str] = []
    unknown: list[str] = []
    for key, value in caps.items():
        if not value or key in NOT_REQUESTS:
            continue
        if key in POSITION_METHODS:
            methods.append(POSITION_METHODS[key])
        elif key in DOCUMENT_METHODS:
            methods.append(DOCUMENT_METHODS[key])
        elif key in RANGE_METHODS:
            methods.append(RANGE_METHODS[key])
        elif key == "completionProvider":
            methods.append(lsp.TEXT_DOCUMENT_COMPLETION)
        elif key == "referencesProvider":
            methods.append(lsp.TEXT_DOCUMENT_REFERENCES)
        elif key == "renameProvider":
            methods.append(lsp.TEXT_DOCUMENT_RENAME)
            if isinstance(value, dict) and value.get("prepareProvider"):
                methods.append(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
        elif key == "semanticTokensProvider":
            full = value.get("full")
            if full:
                methods.append(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL)
            if isinstance(full, dict) and full.get("delta"):
                methods.append(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA)
            if value.get("range"):
                methods.append(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
        elif key == "codeActionProvider":
            methods.append(lsp.TEXT_DOCUMENT_CODE_ACTION)
        elif key == "selectionRangeProvider":
            methods.append(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
        elif key == "executeCommandProvider":
            methods.append(lsp.WORKSPACE_EXECUTE_COMMAND)
        elif key == "workspaceSymbolProvider":
            methods.append(lsp.WORKSPACE_SYMBOL)
        else:
            unknown.append(key)
        if key in RESOLVES and isinstance(value, dict) and value.get("resolveProvider"):
            methods.append(RESOLVES[key])
    return methods, unknown


@st.composite
def requests(draw: st.DrawFn, session: Session) -> tuple[str, JSON, tuple[int, int] | None] | None:
    """(method, params, position the answer must contain) for one advertised request, or None
    when it needs something no earlier answer gave (an item to resolve, a command)."""
    caps = session.server.capabilities
    methods, _ = advertised_methods(caps)
    method = draw(st.sampled_from(sorted(methods)))
    model = session.model
    doc = {"uri": session.uri}
    if method in POSITION_METHODS.values() or method in (
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.TEXT_DOCUMENT_REFERENCES,
        lsp.TEXT_DOCUMENT_RENAME,
        lsp.TEXT_DOCUMENT_PREPARE_RENAME,
    ):
        position, exact = draw(request_positions(model))
        params: JSON = {"textDocument": doc, "position": position}
        if method == lsp.TEXT_DOCUMENT_COMPLETION:
            triggers = (caps.get("completionProvider") or {}).get("triggerCharacters") or []
            trigger = draw(st.sampled_from([None, None, *triggers]))
            params["context"] = (
                {"triggerKind": 2, "triggerCharacter": trigger}
                if trigger is not None
                else {"triggerKind": draw(st.sampled_from([1, 3]))}
            )
        elif method == lsp.TEXT_DOCUMENT_REFERENCES:
            params["context"] = {"includeDeclaration": draw(st.booleans())}
        elif method == lsp.TEXT_DOCUMENT_RENAME:
            params["newName"] = draw(st.sampled_from(NEW_NAMES))
        return method, params, exact
    if method in DOCUMENT_METHODS.values() or method == lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL:
        params = {"textDocument": doc}
        if method == lsp.TEXT_DOCUMENT_FORMATTING:
            params["options"] = {"tabSize": 4, "insertSpaces": True}
        return method, params, None
    if method == lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA:
        return method, {"textDocument": doc, "previousResultId": "0"}, None
    if method in RANGE_METHODS.values() or method == lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE:
        params = {"textDocument": doc, "range": draw(request_ranges(model))}
        if method == lsp.TEXT_DOCUMENT_INLINE_VALUE:
            params["context"] = {"frameId": 0, "stoppedLocation": params["range"]}
        if method == lsp.TEXT_DOCUMENT_RANGE_FORMATTING:
            params["options"] = {"tabSize": 4, "insertSpaces": True}
        return method, params, None
    if method == lsp.TEXT_DOCUMENT_SELECTION_RANGE:
        position, _ = draw(request_positions(model))
        return method, {"textDocument": doc, "positions": [position]}, None
    if method == lsp.WORKSPACE_SYMBOL:
        return method, {"query": draw(st.sampled_from(["", "build", "x"]))}, None
    if method == lsp.TEXT_DOCUMENT_CODE_ACTION:
        return method, draw(code_action_params(session)), None
    if method == lsp.WORKSPACE_EXECUTE_COMMAND:
        return draw(commands(session))
    pool = {
        lsp.COMPLETION_ITEM_RESOLVE: session.pools.completion_items,
        lsp.CODE_ACTION_RESOLVE: session.pools.code_actions,
        lsp.CODE_LENS_RESOLVE: session.pools.code_lenses,
        lsp.DOCUMENT_LINK_RESOLVE: session.pools.links,
        lsp.INLAY_HINT_RESOLVE: session.pools.hints,
    }.get(method, [])
    item = _pick(draw, pool)
    return (method, item, None) if item is not None else None


@st.composite
def code_action_params(draw: st.DrawFn, session: Session) -> JSON:
    """A range, diagnostics the server published (for this version or an older one, whole or
    without their data) or from another tool, and an `only` filter."""
    pools = session.pools.diagnostics
    published = [d for version in sorted(pools) for d in pools[version]]
    chosen = _picks(draw, published, 3)
    if draw(st.booleans()):
        chosen = [{k: v for k, v in d.items() if k != "data"} for d in chosen]
    foreign = {"range": draw(request_ranges(session.model)), "message": "x", "source": "other"}
    if draw(st.booleans()):
        chosen.append(foreign)
    caps = session.server.capabilities.get("codeActionProvider") or {}
    kinds = sorted(caps.get("codeActionKinds") or [])
    only = draw(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from([*kinds, "source", "refactor"]), min_size=1, max_size=2),
        )
    )
    own_range = draw(request_ranges(session.model))
    rng = chosen[0]["range"] if chosen and draw(st.booleans()) else own_range
    context: JSON = {"diagnostics": chosen, "triggerKind": draw(st.sampled_from([1, 2]))}
    if only is not None:
        context["only"] = only
    return {"textDocument": {"uri": session.uri}, "range": rng, "context": context}


@st.composite
def commands(draw: st.DrawFn, session: Session) -> tuple[str, JSON, None] | None:
    """An advertised command with arguments an earlier answer handed out, or plausible ones
    for the commands this suite knows."""
    caps = session.server.capabilities.get("executeCommandProvider") or {}
    advertised = sorted(caps.get("commands", []))
    other_uri = session.uri.replace("Dockerfile", "Missing.Dockerfile")
    lazy = [a["data"] for a in session.pools.code_actions if isinstance(a.get("data"), dict)]
    offered = _pick(draw, [c for c in session.pools.commands if c[0] in advertised])
    uri = draw(st.sampled_from([session.uri, session.uri, other_uri]))
    index = draw(st.integers(-2, 12))
    data = _pick(draw, lazy) or {"uri": uri, "version": session.version, "kind": "msb-lsp.fixAll"}
    choices: list[tuple[str, list[JSON]]] = [offered] if offered is not None else []
    for command in advertised:
        if command == "msb-lsp.showStageUsers":
            choices.append((command, [uri, index]))
        elif command == "msb-lsp.applyCodeAction":
            choices.append((command, [data]))
        elif command == DOCUMENT_TEXT:
            choices.append((command, [uri]))
    picked = _pick(draw, choices)
    if picked is None:
        return None
    command, arguments = picked
    return lsp.WORKSPACE_EXECUTE_COMMAND, {"command": command, "arguments": arguments}, None
