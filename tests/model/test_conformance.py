"""BuildKit's own parser fixtures: our tree, rendered as BuildKit dumps it, must match."""

from __future__ import annotations

import pytest

from msb_lsp.model import parse
from msb_lsp.model.validate import INSTRUCTION_CODES
from tests.model.buildkit_dump import dump
from tests.support.paths import SHARED

FIXTURES = SHARED / "conformance" / "buildkit-parser" if SHARED else None


def _cases(kind: str) -> list[str]:
    if FIXTURES is None or not FIXTURES.is_dir():
        return []
    if kind == "positive":
        return sorted(p.name for p in FIXTURES.iterdir() if (p / "result").is_file())
    negative = FIXTURES / "testfiles-negative"
    return sorted(p.name for p in negative.iterdir()) if negative.is_dir() else []


def _read(path) -> str:  # type: ignore[no-untyped-def]
    return path.read_bytes().decode("utf-8")


needs_fixtures = pytest.mark.skipif(FIXTURES is None, reason="../shared is not present")


@needs_fixtures
@pytest.mark.parametrize("case", _cases("positive"))
def test_positive_case_matches_buildkit_dump(case: str) -> None:
    df = parse(_read(FIXTURES / case / "Dockerfile"))
    expected = _read(FIXTURES / case / "result").replace("\r\n", "\n")
    assert dump(df) == expected
    # The fixtures test BuildKit's syntax layer only: instruction-level errors (such as the
    # made-up `--doit` flag of the `flags` case) are expected there.
    assert [p.message for p in df.problems if p.code not in INSTRUCTION_CODES] == []


@needs_fixtures
@pytest.mark.parametrize("case", _cases("negative"))
def test_negative_case_is_an_error(case: str) -> None:
    df = parse(_read(FIXTURES / "testfiles-negative" / case / "Dockerfile"))
    assert any(p.severity == "error" for p in df.problems), case


@needs_fixtures
def test_instruction_line_ranges_match_buildkit() -> None:
    df = parse(_read(FIXTURES / "testfile-line" / "Dockerfile"))
    assert [(i.start_line + 1, i.end_line + 1) for i in df.instructions] == [
        (5, 5),
        (11, 12),
        (17, 31),
    ]


def test_fixture_count_is_known() -> None:
    if FIXTURES is None:
        pytest.skip("../shared is not present")
    assert len(_cases("positive")) == 33
    assert len(_cases("negative")) == 4
