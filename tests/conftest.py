"""Shared test configuration.

Tests that need a real peer from Debian (neovim, emacs, docker-registry) are marked
`needs_debian`. Locally they skip with a reason when the program is missing; in CI
(`MSB_LSP_CI=1`, set by `.ci/run`) such a skip is turned into a failure, because CI
installs those packages and a skip there would hide a broken set-up.
"""

from __future__ import annotations

import os

import pytest

from tests.support.paths import SHARED


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.fspath)
        if "/tests/lsp/" in path or "/tests/editors/" in path:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("MSB_LSP_CI") == "1"
        and report.skipped
        and item.get_closest_marker("needs_debian") is not None
    ):
        report.outcome = "failed"
        report.longrepr = f"needs_debian test was skipped in CI: {report.longrepr}"


@pytest.fixture(scope="session")
def shared_dir():
    """The read-only ../shared folder; tests that need it skip cleanly without it."""
    if SHARED is None:
        pytest.skip("../shared is not present (only the project's developers have it)")
    return SHARED
