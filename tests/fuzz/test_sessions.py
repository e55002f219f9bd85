"""Random editing sessions against a live msb-lsp (issue 8): the server must never crash,
answer every request validly for the document version it answers, publish versioned
diagnostics inside their version, and end each session with the client's text.

`MSB_LSP_FUZZ_EXAMPLES` sets the number of sessions per client profile (see README.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import PROFILES, FuzzServer, Session
from tests.fuzz.strategies import advertised_methods, changes, documents, requests

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("MSB_LSP_FUZZ_EXAMPLES", "100"))
MAX_STEPS = 40
MAX_IN_FLIGHT = 6

STEPS = ["edit"] * 4 + ["request"] * 6 + ["cancelled"] + ["drain"] * 2 + ["save"]


@pytest.fixture(scope="module", params=PROFILES, ids=[p.name for p in PROFILES])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzServer]:
    srv = FuzzServer(request.param, tmp_path_factory.mktemp(f"fuzz-{request.param.name}"))
    srv.ensure()
    yield srv
    print("\n" + srv.summary())  # shown with `pytest -s`
    outcome = srv.close()
    assert outcome is not None and outcome["clean"], outcome
    assert outcome["ms"] < 10_000, f"shutdown and exit took {outcome['ms']:.0f} ms"
    assert srv.restarts == 0, f"the server died {srv.restarts} time(s) during the fuzz run"


def test_every_advertised_request_is_exercised(server: FuzzServer) -> None:
    methods, unknown = advertised_methods(server.capabilities)
    assert not unknown, f"capabilities the fuzz suite does not exercise yet: {unknown}"
    assert server.encoding == server.profile.encoding
    for method in (
        "textDocument/completion",
        "textDocument/hover",
        "textDocument/rename",
        "textDocument/prepareRename",
        "textDocument/semanticTokens/full",
        "textDocument/codeAction",
        "codeAction/resolve",
        "workspace/executeCommand",
    ):
        assert method in methods


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_random_sessions(server: FuzzServer, data: st.DataObject) -> None:
    session = Session(server, data.draw(documents(), label="initial text"))
    try:
        session.open()
        for _ in range(data.draw(st.integers(3, MAX_STEPS), label="steps")):
            step = data.draw(st.sampled_from(STEPS))
            if step == "edit":
                session.change(data.draw(changes(session.model)))
            elif step in ("request", "cancelled"):
                drawn = data.draw(requests(session))
                if drawn is not None:
                    method, params, position = drawn
                    cancel = step == "cancelled"
                    session.request(method, params, position=position, cancel=cancel)
            elif step == "save":
                session.save()
            if step == "drain" or len(session.pending) >= MAX_IN_FLIGHT:
                session.drain()
        session.finish()
    finally:
        session.abandon()  # a no-op after finish(); hypothesis may stop an example midway
    assert not session.problems, session.report()


def test_sessions_leave_nothing_open(server: FuzzServer, tmp_path: Path) -> None:
    """After the sessions (each closed its document) the server still answers at once."""
    session = Session(server, "FROM alpine AS a\nCOPY --from=a /x /y\n")
    session.open()
    session.request(
        "textDocument/hover",
        {"textDocument": {"uri": session.uri}, "position": {"line": 1, "character": 13}},
        position=(1, 13),
    )
    session.finish()
    assert not session.problems, session.report()
