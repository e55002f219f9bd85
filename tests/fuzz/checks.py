"""Is an answer of the server valid for the request it answers?

Each check returns a list of problems (empty: valid). Structure is checked with lsprotocol's
converter against the method's response type (`METHOD_TO_TYPES`); everything the types cannot
say is checked on the raw JSON: every range and position lies inside the document version it
answers (on a character boundary in the session's encoding), edits of one document do not
overlap and apply, completion edits are on the requested line around the requested position,
semantic tokens stay on their lines in order, folding ranges and symbol trees nest, and every
command the server hands out is one it advertises.
"""

from __future__ import annotations

import collections.abc
import enum
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import attrs
from lsprotocol import converters
from lsprotocol import types as lsp

from tests.fuzz.textmodel import TextModel

JSON = Any
_CONVERTER = converters.get_converter()

REQUEST_CANCELLED = -32800
REQUEST_FAILED = -32803
# Methods that may refuse with RequestFailed and a message the editor shows.
MAY_REFUSE = frozenset({lsp.TEXT_DOCUMENT_RENAME, lsp.TEXT_DOCUMENT_PREPARE_RENAME})


@dataclass
class Sent:
    """A request as sent, with what its answer is checked against."""

    id: int
    method: str
    params: JSON
    uri: str
    version: int  # the document version when it was sent
    cancelled: bool = False
    # The request's own position when it lies inside the document on a character boundary
    # (then completion edits, hover and prepareRename ranges must contain it).
    position: tuple[int, int] | None = None
    received_version: int | None = None  # the document version when the answer arrived
    notes: list[str] = field(default_factory=list)

    def candidate_versions(self) -> list[int]:
        """The versions an answer may be computed for: the one current when the request was
        sent, or (for handlers that wait) a later one current before the answer arrived."""
        last = self.received_version if self.received_version is not None else self.version
        return list(range(self.version, last + 1))


def is_position(value: JSON) -> bool:
    return isinstance(value, dict) and set(value) == {"line", "character"}


def is_range(value: JSON) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"start", "end"}
        and is_position(value["start"])
        and is_position(value["end"])
    )


@dataclass(frozen=True)
class Located:
    """A range or position found in an answer, with the document (and version) it is in."""

    uri: str | None  # None: the request's document
    version: int | None  # a versioned edit says which version it is for
    value: JSON
    path: str
    is_range: bool


def locate(value: JSON, uri: str | None = None, version: int | None = None, path: str = "$"):  # type: ignore[no-untyped-def]
    """Every range and position in an answer, with its document: a dict with `uri` (Location),
    `targetUri` (LocationLink: `originSelectionRange` is in the request's document),
    `textDocument` (TextDocumentEdit, with its version) or a `changes` map sets it."""
    if is_range(value):
        yield Located(uri, version, value, path, True)
        return
    if is_position(value):
        yield Located(uri, version, value, path, False)
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from locate(item, uri, version, f"{path}[{i}]")
        return
    if not isinstance(value, dict):
        return
    here_uri, here_version = uri, version
    if isinstance(value.get("uri"), str):
        here_uri = value["uri"]
    if isinstance(value.get("textDocument"), dict) and isinstance(
        value["textDocument"].get("uri"), str
    ):
        here_uri = value["textDocument"]["uri"]
        doc_version = value["textDocument"].get("version")
        here_version = doc_version if isinstance(doc_version, int) else None
    for key, item in value.items():
        if key == "changes" and isinstance(item, dict):
            for doc_uri, edits in item.items():
                yield from locate(edits, doc_uri, None, f"{path}.changes[{doc_uri}]")
        elif key == "textDocument":
            continue
        elif key == "diagnostics":
            continue  # a code action's diagnostics are the client's own (maybe stale) objects
        elif key == "originSelectionRange":
            yield from locate(item, uri, version, f"{path}.{key}")
        elif key in ("targetRange", "targetSelectionRange") and isinstance(
            value.get("targetUri"), str
        ):
            yield from locate(item, value["targetUri"], None, f"{path}.{key}")
        else:
            yield from locate(item, here_uri, here_version, f"{path}.{key}")


def _pos(value: JSON) -> tuple[int, int]:
    return value["line"], value["character"]


def check_location(model: TextModel, found: Located) -> list[str]:
    if found.is_range:
        start, end = found.value["start"], found.value["end"]
        problems = [
            f"{found.path}: {why}"
            for why in (
                model.valid_position(start["line"], start["character"]),
                model.valid_position(end["line"], end["character"]),
            )
            if why is not None
        ]
        if not problems and _pos(start) > _pos(end):
            problems.append(f"{found.path}: range ends before it starts: {found.value}")
        return problems
    why = model.valid_position(found.value["line"], found.value["character"])
    return [f"{found.path}: {why}"] if why is not None else []


def _contains(rng: JSON, position: tuple[int, int]) -> bool:
    return _pos(rng["start"]) <= position <= _pos(rng["end"])


def _offsets(model: TextModel, rng: JSON) -> tuple[int, int]:
    return (
        model.index(rng["start"]["line"], rng["start"]["character"]),
        model.index(rng["end"]["line"], rng["end"]["character"]),
    )


def overlapping(model: TextModel, ranges: list[JSON]) -> str | None:
    """Why edits with these (valid) ranges overlap, or None."""
    spans = sorted(_offsets(model, r) for r in ranges)
    for (a1, b1), (a2, b2) in pairwise(spans):
        if a2 < b1:
            return f"edits overlap: offsets {a1}..{b1} and {a2}..{b2}"
    return None


# -- the structure of an answer ----------------------------------------------------------


def structure_problems(method: str, msg_id: int, result: JSON) -> list[str]:
    entry = lsp.METHOD_TO_TYPES.get(method)
    if entry is None or entry[1] is None:
        return []
    response_type = entry[1]
    try:
        response = _CONVERTER.structure(
            {"jsonrpc": "2.0", "id": msg_id, "result": result}, response_type
        )
        again = _CONVERTER.unstructure(response)["result"]
    except Exception as exc:
        return [f"{method}: the result is not a {response_type.__name__}: {exc!r}"[:1500]]
    # The converter coerces (a number where a string belongs becomes a string) and lets some
    # unions through unchecked: what it read must have the declared types and read back the
    # same, or a field had the wrong type or name.
    wrong = type_problems(response.result, typing.get_type_hints(response_type)["result"], "$")
    if wrong:
        return [f"{method}: {w}" for w in wrong[:5]]
    if again != result:
        name = response_type.__name__
        return [f"{method}: the result does not read back as a {name}: {result!r}"[:1500]]
    return []


def type_problems(value: Any, annotation: Any, path: str) -> list[str]:
    """Where a structured lsprotocol value does not have its declared type."""
    if annotation is Any or annotation is lsp.LSPObject:
        return []
    if isinstance(annotation, typing.ForwardRef):
        annotation = getattr(lsp, annotation.__forward_arg__)
        if annotation is lsp.LSPAny:
            return []
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union or isinstance(annotation, types.UnionType):
        for member in args:
            if not type_problems(value, member, path):
                return []
        return [f"{path}: {value!r:.200} is none of {annotation}"]
    if annotation is type(None):
        return [] if value is None else [f"{path}: {value!r:.200} is not null"]
    if origin in (list, collections.abc.Sequence):
        if not isinstance(value, (list, tuple)):
            return [f"{path}: {value!r:.200} is not an array"]
        for i, item in enumerate(value):
            found = type_problems(item, args[0], f"{path}[{i}]")
            if found:
                return found
        return []
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, dict):
            return [f"{path}: {value!r:.200} is not an object"]
        for key, item in value.items():
            found = type_problems(item, args[1], f"{path}[{key!r}]")
            if found:
                return found
        return []
    if origin is typing.Literal:
        return [] if value in args else [f"{path}: {value!r:.200} is not one of {args}"]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        ok = isinstance(value, annotation) or value in {m.value for m in annotation}
        return [] if ok else [f"{path}: {value!r:.200} is not a {annotation.__name__}"]
    if isinstance(annotation, type) and attrs.has(annotation):
        if not isinstance(value, annotation):
            return [f"{path}: {value!r:.200} is not a {annotation.__name__}"]
        hints = typing.get_type_hints(annotation)
        for attribute in attrs.fields(annotation):
            found = type_problems(
                getattr(value, attribute.name), hints[attribute.name], f"{path}.{attribute.name}"
            )
            if found:
                return found
        return []
    if annotation is bool:
        return [] if isinstance(value, bool) else [f"{path}: {value!r:.200} is not a boolean"]
    if annotation in (int, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r:.200} is not a number"]
    if annotation is str:
        return [] if isinstance(value, str) else [f"{path}: {value!r:.200} is not a string"]
    return []  # a type this check does not know: trust the converter


def error_problems(sent: Sent, error: JSON) -> list[str]:
    if not isinstance(error, dict):
        return [f"{sent.method}: malformed error {error!r}"]
    code, message = error.get("code"), error.get("message")
    if not isinstance(code, int) or not isinstance(message, str) or not message.strip():
        return [f"{sent.method}: an error needs an integer code and a message: {error!r}"]
    if code == REQUEST_CANCELLED and sent.cancelled:
        return []
    if code == REQUEST_FAILED and sent.method in MAY_REFUSE:
        return []
    return [f"{sent.method}: error {code}: {message[:2000]}"]


# -- what each answer must satisfy -------------------------------------------------------


@dataclass
class ServerFacts:
    """What the server announced (and the session's document)."""

    uri: str
    commands: frozenset[str]
    token_types: int
    token_modifiers: int


def semantic_problems(
    sent: Sent, result: JSON, model: TextModel, version: int, facts: ServerFacts
) -> list[str]:
    """Problems of a (structurally valid) result against one version of the document."""
    problems: list[str] = []
    method = sent.method
    for found in locate(result):
        if found.uri not in (None, facts.uri):
            problems.append(f"{found.path}: a range in an unknown document {found.uri}")
            continue
        if found.version is not None and found.version != version:
            continue  # checked against the version it names (see versioned_problems)
        problems.extend(check_location(model, found))
    if problems:
        return problems
    for command in _commands(result):
        if command not in facts.commands:
            problems.append(f"command {command!r} is not in executeCommandProvider.commands")
    if method == lsp.TEXT_DOCUMENT_COMPLETION and result is not None:
        items = result.get("items", []) if isinstance(result, dict) else result
        for i, item in enumerate(items):
            problems.extend(_completion_item(sent, model, item, f"items[{i}]"))
    elif method == lsp.COMPLETION_ITEM_RESOLVE and isinstance(result, dict):
        problems.extend(_completion_item(sent, model, result, "item"))
    elif method in (
        lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE,
    ):
        if isinstance(result, dict):
            problems.extend(_tokens(model, result.get("data", []), facts))
    elif method == lsp.TEXT_DOCUMENT_FOLDING_RANGE and result:
        for fold in result:
            if not 0 <= fold["startLine"] <= fold["endLine"] < len(model.lines):
                problems.append(f"folding range outside the document: {fold}")
    elif method == lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL and result:
        for symbol in result:
            if "selectionRange" in symbol:
                problems.extend(_symbol_tree(symbol, None))
    elif method in (lsp.TEXT_DOCUMENT_HOVER, lsp.TEXT_DOCUMENT_PREPARE_RENAME) and result:
        rng = result.get("range") if "range" in result else result if is_range(result) else None
        if rng is not None and sent.position is not None and not _contains(rng, sent.position):
            problems.append(f"{method}: range {rng} does not contain {sent.position}")
    elif method == lsp.TEXT_DOCUMENT_INLAY_HINT and result:
        wanted = sent.params["range"]
        if not check_location(model, Located(None, None, wanted, "request", True)):
            for hint in result:
                if not _contains(wanted, _pos(hint["position"])):
                    problems.append(f"inlay hint outside the requested range: {hint}")
    problems.extend(_edits(model, result, version, facts.uri))
    return problems


def _commands(value: JSON) -> Iterator[str]:
    """The command ids of Commands in an answer (code lenses, code actions, completion)."""
    if isinstance(value, list):
        for item in value:
            yield from _commands(item)
    elif isinstance(value, dict):
        command = value.get("command")
        if isinstance(command, str) and "title" in value:
            yield command
        for key, item in value.items():
            if key not in ("arguments", "data"):
                yield from _commands(item)


def _completion_item(sent: Sent, model: TextModel, item: JSON, path: str) -> list[str]:
    problems: list[str] = []
    edit = item.get("textEdit")
    main: list[JSON] = []
    if isinstance(edit, dict):
        ranges = [edit["insert"], edit["replace"]] if "insert" in edit else [edit["range"]]
        main = [ranges[-1]]
        for rng in ranges:
            if rng["start"]["line"] != rng["end"]["line"]:
                problems.append(f"{path}: a completion edit must be on one line: {rng}")
            elif sent.position is not None and not _contains(rng, sent.position):
                problems.append(f"{path}: edit {rng} does not contain {sent.position}")
        if "insert" in edit:
            ins, rep = edit["insert"], edit["replace"]
            if ins["start"] != rep["start"] or _pos(ins["end"]) > _pos(rep["end"]):
                problems.append(f"{path}: insert {ins} is not a prefix of replace {rep}")
    extra = [e["range"] for e in item.get("additionalTextEdits") or []]
    if extra:
        why = overlapping(model, extra + main)
        if why is not None:
            problems.append(f"{path}: additionalTextEdits: {why}")
    return problems


def _tokens(model: TextModel, data: list[int], facts: ServerFacts) -> list[str]:
    if len(data) % 5:
        return [f"semantic tokens: {len(data)} integers, not a multiple of 5"]
    problems: list[str] = []
    line = col = 0
    previous_end: tuple[int, int] = (0, 0)
    for i in range(0, len(data), 5):
        d_line, d_col, length, kind, modifiers = data[i : i + 5]
        line += d_line
        col = col + d_col if d_line == 0 else d_col
        where = f"token {i // 5} at {line}:{col}"
        if d_line < 0 or (d_line == 0 and d_col < 0 and i):
            problems.append(f"{where}: tokens out of order")
        if length <= 0:
            problems.append(f"{where}: length {length}")
        if not 0 <= kind < facts.token_types:
            problems.append(f"{where}: token type {kind} not in the legend")
        if modifiers < 0 or modifiers >> facts.token_modifiers:
            problems.append(f"{where}: modifiers {modifiers:b} not in the legend")
        for c in (col, col + length):
            why = model.valid_position(line, c)
            if why is not None:
                problems.append(f"{where}: {why}")
        if (line, col) < previous_end:
            problems.append(f"{where}: overlaps the token before it")
        previous_end = (line, col + length)
        if len(problems) > 5:
            break
    return problems


def _symbol_tree(symbol: JSON, parent: JSON | None) -> list[str]:
    problems: list[str] = []
    rng, sel = symbol["range"], symbol["selectionRange"]
    if not (_pos(rng["start"]) <= _pos(sel["start"]) and _pos(sel["end"]) <= _pos(rng["end"])):
        problems.append(f"symbol {symbol['name']!r}: selectionRange {sel} outside range {rng}")
    if parent is not None:
        outer = parent["range"]
        if not (
            _pos(outer["start"]) <= _pos(rng["start"]) and _pos(rng["end"]) <= _pos(outer["end"])
        ):
            problems.append(f"symbol {symbol['name']!r}: range {rng} outside its parent's")
    for child in symbol.get("children") or []:
        problems.extend(_symbol_tree(child, symbol))
    return problems


def workspace_edits(value: JSON) -> Iterator[JSON]:
    """The WorkspaceEdits in an answer (rename result, code action `edit`s, applyEdit)."""
    if isinstance(value, list):
        for item in value:
            yield from workspace_edits(item)
    elif isinstance(value, dict):
        if "changes" in value or "documentChanges" in value:
            yield value
            return
        for key, item in value.items():
            if key != "data":
                yield from workspace_edits(item)


def edit_groups(edit: JSON) -> Iterator[tuple[str, int | None, list[JSON]]]:
    """(uri, version or None, text edits) of a WorkspaceEdit."""
    for uri, edits in (edit.get("changes") or {}).items():
        yield uri, None, edits
    for change in edit.get("documentChanges") or []:
        if "textDocument" in change:
            doc = change["textDocument"]
            yield doc["uri"], doc.get("version"), change["edits"]


def _edits(model: TextModel, result: JSON, version: int, uri: str) -> list[str]:
    """Unversioned edits of the session's document against this version."""
    problems: list[str] = []
    for edit in workspace_edits(result):
        for doc_uri, doc_version, edits in edit_groups(edit):
            if doc_uri == uri and doc_version is None:
                problems.extend(edit_set_problems(model, edits))
    return problems


def edit_set_problems(model: TextModel, edits: list[JSON]) -> list[str]:
    """Edits of one document (with valid ranges) must not overlap, and must apply."""
    ranges = [e["range"] for e in edits]
    for rng in ranges:
        found = check_location(model, Located(None, None, rng, "edit", True))
        if found:
            return found
    why = overlapping(model, ranges)
    if why is not None:
        return [why]
    try:
        model.apply_text_edits(edits)
    except Exception as exc:  # pragma: no cover - apply failing on valid ranges is a bug here
        return [f"edits do not apply: {exc!r}"]
    return []


def versioned_problems(result: JSON, models: dict[int, TextModel], uri: str) -> list[str]:
    """Edits that name the version they were computed for: it must be a version the client
    sent, and the edits must be valid (and not overlap) in it."""
    problems: list[str] = []
    for edit in workspace_edits(result):
        for doc_uri, doc_version, edits in edit_groups(edit):
            if doc_uri != uri or doc_version is None:
                if doc_uri != uri:
                    problems.append(f"an edit of an unknown document {doc_uri}")
                continue
            model = models.get(doc_version)
            if model is None:
                problems.append(f"an edit for version {doc_version}, never sent")
                continue
            problems.extend(
                f"edit for version {doc_version}: {p}" for p in edit_set_problems(model, edits)
            )
    return problems


def answer_problems(
    sent: Sent, response: JSON, models: dict[int, TextModel], facts: ServerFacts
) -> list[str]:
    """Everything wrong with the answer to `sent`."""
    if "error" in response:
        return error_problems(sent, response["error"])
    if "result" not in response:
        return [f"{sent.method}: a response without result or error: {response!r}"]
    result = response["result"]
    problems = structure_problems(sent.method, sent.id, result)
    if problems:
        return problems
    problems = versioned_problems(result, models, facts.uri)
    if problems:
        return problems
    first: list[str] | None = None
    for version in sent.candidate_versions():
        found = semantic_problems(sent, result, models[version], version, facts)
        if not found:
            return []
        if first is None:
            first = [f"(against version {version}) {p}" for p in found]
    return first or []


def publish_problems(params: JSON, models: dict[int, TextModel], uri: str) -> list[str]:
    """A publishDiagnostics for the session's open document."""
    version = params.get("version")
    if not isinstance(version, int):
        return [f"published diagnostics without a version: {str(params)[:300]}"]
    model = models.get(version)
    if model is None:
        return [f"diagnostics published for version {version}, never sent"]
    problems = structure_problems_notification(params)
    for found in locate(params.get("diagnostics", []), uri, None, "$.diagnostics"):
        if found.uri != uri:
            problems.append(f"{found.path}: related information in unknown document {found.uri}")
            continue
        problems.extend(f"(version {version}) {p}" for p in check_location(model, found))
    for i, diagnostic in enumerate(params.get("diagnostics", [])):
        data = diagnostic.get("data")
        if isinstance(data, dict) and "version" in data and data["version"] != version:
            problems.append(f"diagnostic {i}: data.version {data['version']} in version {version}")
    return problems


def structure_problems_notification(params: JSON) -> list[str]:
    try:
        _CONVERTER.structure(params, lsp.PublishDiagnosticsParams)
    except Exception as exc:
        return [f"publishDiagnostics params are malformed: {exc!r}"[:1500]]
    return []
