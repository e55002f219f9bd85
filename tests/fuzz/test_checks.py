"""The fuzz suite's own judges: the client-side text model and the answer checks must reject
what is wrong (a checker that accepts everything would make the sessions pass vacuously)."""

from __future__ import annotations

from lsprotocol import types as lsp

from tests.fuzz.checks import (
    REQUEST_CANCELLED,
    REQUEST_FAILED,
    Sent,
    ServerFacts,
    answer_problems,
    publish_problems,
)
from tests.fuzz.textmodel import TextModel

URI = "file:///tmp/fuzz/Dockerfile"
FACTS = ServerFacts(URI, frozenset({"known.command"}), token_types=3, token_modifiers=2)


def rng(a: int, b: int, c: int, d: int) -> dict[str, dict[str, int]]:
    return {"start": {"line": a, "character": b}, "end": {"line": c, "character": d}}


def test_lines_break_the_lsp_way_and_columns_count_units() -> None:
    text = "a😀b\r\nc\u2028d\re\n"
    utf16, utf8 = TextModel(text, "utf-16"), TextModel(text, "utf-8")
    assert [line.text for line in utf16.lines] == ["a😀b", "c\u2028d", "e", ""]
    assert utf16.lines[0].boundaries == (0, 1, 3, 4)
    assert utf8.lines[0].boundaries == (0, 1, 5, 6)
    assert utf16.valid_position(0, 2) == "character 2 splits a character on line 0 (utf-16)"
    assert utf16.valid_position(0, 5) is not None and utf16.valid_position(4, 0) is not None
    assert utf16.valid_position(3, 0) is None
    assert utf8.offset(1, 99) == text.index("\re")  # past the end of the line: its end
    assert utf8.offset(9, 0) == len(text)  # past the last line: the end of the document


def test_incremental_changes_apply_in_order() -> None:
    model = TextModel("FROM a\r\nRUN x\n", "utf-16")
    changes = [
        {"range": rng(0, 6, 1, 0), "text": ""},  # joins the lines (removes `\r\n`)
        {"range": rng(0, 0, 0, 4), "text": "from"},
        {"range": rng(5, 0, 5, 0), "text": "!"},  # a line past the end: appended
    ]
    assert model.apply(changes) == "from aRUN x\n!"
    assert model.apply([{"text": "whole"}]) == "whole"


def test_text_edits_apply_from_the_end_and_keep_insert_order() -> None:
    model = TextModel("abc", "utf-8")
    edits = [
        {"range": rng(0, 1, 0, 1), "newText": "1"},
        {"range": rng(0, 1, 0, 1), "newText": "2"},
        {"range": rng(0, 2, 0, 3), "newText": "Z"},
    ]
    assert model.apply_text_edits(edits) == "a12bZ"


def sent(method: str, **kwargs: object) -> Sent:
    return Sent(1, method, kwargs.pop("params", {}), URI, 1, **kwargs)  # type: ignore[arg-type]


def test_ranges_outside_the_version_are_rejected() -> None:
    models = {1: TextModel("FROM alpine\n", "utf-16")}
    good = {"id": 1, "result": [{"uri": URI, "range": rng(0, 5, 0, 11)}]}
    assert answer_problems(sent(lsp.TEXT_DOCUMENT_DEFINITION), good, models, FACTS) == []
    for bad in (rng(0, 5, 0, 12), rng(2, 0, 2, 0), rng(0, 6, 0, 5)):
        answer = {"id": 1, "result": [{"uri": URI, "range": bad}]}
        assert answer_problems(sent(lsp.TEXT_DOCUMENT_DEFINITION), answer, models, FACTS)
    elsewhere = {"id": 1, "result": [{"uri": "file:///other", "range": rng(0, 0, 0, 0)}]}
    assert answer_problems(sent(lsp.TEXT_DOCUMENT_DEFINITION), elsewhere, models, FACTS)


def test_an_answer_may_be_for_a_later_version_only_when_it_arrived_after_it() -> None:
    models = {1: TextModel("FROM a\n", "utf-16"), 2: TextModel("FROM alpine\n", "utf-16")}
    answer = {"id": 1, "result": {"contents": "x", "range": rng(0, 5, 0, 11)}}
    early = sent(lsp.TEXT_DOCUMENT_HOVER)
    early.received_version = 1
    assert answer_problems(early, answer, models, FACTS)
    late = sent(lsp.TEXT_DOCUMENT_HOVER)
    late.received_version = 2
    assert answer_problems(late, answer, models, FACTS) == []


def test_structure_errors_and_refusals() -> None:
    models = {1: TextModel("FROM a\n", "utf-8")}
    malformed = {"id": 1, "result": {"contents": 42}}
    assert answer_problems(sent(lsp.TEXT_DOCUMENT_HOVER), malformed, models, FACTS)
    crash = {"id": 1, "error": {"code": -32603, "message": "Traceback ..."}}
    assert answer_problems(sent(lsp.TEXT_DOCUMENT_HOVER), crash, models, FACTS)
    refused = {"id": 1, "error": {"code": REQUEST_FAILED, "message": "not a valid name"}}
    assert answer_problems(sent(lsp.TEXT_DOCUMENT_RENAME), refused, models, FACTS) == []
    assert answer_problems(sent(lsp.TEXT_DOCUMENT_HOVER), refused, models, FACTS)
    cancelled = {"id": 1, "error": {"code": REQUEST_CANCELLED, "message": "cancelled"}}
    assert (
        answer_problems(sent(lsp.TEXT_DOCUMENT_HOVER, cancelled=True), cancelled, models, FACTS)
        == []
    )
    assert answer_problems(sent(lsp.TEXT_DOCUMENT_HOVER), cancelled, models, FACTS)
    silent = {"id": 1, "error": {"code": REQUEST_FAILED, "message": ""}}
    assert answer_problems(sent(lsp.TEXT_DOCUMENT_RENAME), silent, models, FACTS)


def test_completion_edits_must_be_on_the_line_around_the_position() -> None:
    models = {1: TextModel("COPY --from=b /a /b\n", "utf-16")}
    request = sent(lsp.TEXT_DOCUMENT_COMPLETION, position=(0, 12))

    def answer(edit: dict[str, object], extra: list[object] | None = None) -> dict[str, object]:
        item: dict[str, object] = {"label": "b", "textEdit": edit}
        if extra is not None:
            item["additionalTextEdits"] = extra
        return {"id": 1, "result": {"isIncomplete": False, "items": [item]}}

    ok = {"range": rng(0, 12, 0, 13), "newText": "build"}
    assert answer_problems(request, answer(ok), models, FACTS) == []
    away = {"range": rng(0, 14, 0, 16), "newText": "x"}
    assert answer_problems(request, answer(away), models, FACTS)
    ins_rep = {"newText": "x", "insert": rng(0, 12, 0, 13), "replace": rng(0, 11, 0, 13)}
    assert answer_problems(request, answer(ins_rep), models, FACTS)
    overlap = [{"range": rng(0, 12, 0, 14), "newText": "y"}]
    assert answer_problems(request, answer(ok, overlap), models, FACTS)


def test_semantic_tokens_symbols_folds_and_commands() -> None:
    models = {1: TextModel("FROM a\nRUN b\n", "utf-16")}
    tokens = sent(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL)
    good = {"id": 1, "result": {"data": [0, 0, 4, 0, 0, 1, 0, 3, 0, 0]}}
    assert answer_problems(tokens, good, models, FACTS) == []
    for data in ([0, 0, 7, 0, 0], [0, 0, 4, 3, 0], [0, 0, 4, 0, 4], [0, 0, 4, 0, 0, 0, 2, 1, 0, 0]):
        assert answer_problems(tokens, {"id": 1, "result": {"data": data}}, models, FACTS), data
    symbol = {
        "name": "s",
        "kind": 5,
        "range": rng(0, 0, 0, 6),
        "selectionRange": rng(0, 0, 1, 0),
    }
    symbols = sent(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    assert answer_problems(symbols, {"id": 1, "result": [symbol]}, models, FACTS)
    folds = sent(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    bad_fold = {"id": 1, "result": [{"startLine": 1, "endLine": 3}]}
    assert answer_problems(folds, bad_fold, models, FACTS)
    lens = {"range": rng(0, 0, 0, 4), "command": {"title": "t", "command": "unknown.command"}}
    lenses = sent(lsp.TEXT_DOCUMENT_CODE_LENS)
    assert answer_problems(lenses, {"id": 1, "result": [lens]}, models, FACTS)


def test_workspace_edits_are_checked_in_the_version_they_name() -> None:
    models = {1: TextModel("FROM a\n", "utf-16"), 2: TextModel("FROM alpine AS b\n", "utf-16")}
    request = sent(lsp.TEXT_DOCUMENT_RENAME, params={"newName": "c"})
    request.received_version = 2

    def versioned(version: int, *ranges: dict[str, object]) -> dict[str, object]:
        edits = [{"range": r, "newText": "c"} for r in ranges]
        change = {"textDocument": {"uri": URI, "version": version}, "edits": edits}
        return {"id": 1, "result": {"documentChanges": [change]}}

    assert answer_problems(request, versioned(2, rng(0, 15, 0, 16)), models, FACTS) == []
    assert answer_problems(request, versioned(1, rng(0, 15, 0, 16)), models, FACTS)
    assert answer_problems(request, versioned(7, rng(0, 0, 0, 1)), models, FACTS)
    overlapping = versioned(2, rng(0, 0, 0, 6), rng(0, 5, 0, 7))
    assert answer_problems(request, overlapping, models, FACTS)


def test_published_diagnostics_need_their_version() -> None:
    models = {1: TextModel("FROM a\n", "utf-8")}
    item = {"range": rng(0, 0, 0, 4), "message": "m"}
    assert publish_problems({"uri": URI, "version": 1, "diagnostics": [item]}, models, URI) == []
    assert publish_problems({"uri": URI, "diagnostics": [item]}, models, URI)
    assert publish_problems({"uri": URI, "version": 3, "diagnostics": [item]}, models, URI)
    outside = {"range": rng(0, 0, 0, 9), "message": "m"}
    assert publish_problems({"uri": URI, "version": 1, "diagnostics": [outside]}, models, URI)
    stale = {**item, "data": {"version": 0}}
    assert publish_problems({"uri": URI, "version": 1, "diagnostics": [stale]}, models, URI)
