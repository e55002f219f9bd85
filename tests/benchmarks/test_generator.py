"""The benchmark's Dockerfile generator: deterministic, the promised shape, honest positions."""

from __future__ import annotations

import re

import pytest

from benchmarks import gen_dockerfiles as gen


def char_at(sample: gen.Sample, pos: gen.Pos) -> tuple[str, int]:
    """The line text and the code-point index of a UTF-16 position."""
    line = sample.lines[pos.line]
    units = 0
    for index, char in enumerate(line):
        if units == pos.character:
            return line, index
        units += 2 if ord(char) > 0xFFFF else 1
    assert units == pos.character
    return line, len(line)


@pytest.mark.parametrize("name", list(gen.GENERATORS))
def test_deterministic(name: str) -> None:
    assert gen.generate(name) == gen.generate(name)


@pytest.mark.parametrize(
    ("name", "low", "high", "stages"),
    [("seed", 12, 25, 3), ("small", 12, 18, 2), ("medium", 180, 220, 6), ("large", 2850, 3150, 40)],
)
def test_sizes(name: str, low: int, high: int, stages: int) -> None:
    sample = gen.generate(name)
    assert low <= sample.line_count <= high
    assert len(sample.stages) == stages
    assert sum(line.startswith("FROM ") for line in sample.lines) == stages


@pytest.mark.parametrize("name", ["medium", "large"])
def test_large_files_have_the_promised_constructs(name: str) -> None:
    sample = gen.generate(name)
    text = sample.text
    assert None in sample.stages and any(sample.stages)
    assert re.search(r"^COPY --from=[a-z]", text, re.M)
    assert re.search(r"^COPY --from=\d+ ", text, re.M)
    assert re.search(r"^RUN --mount=type=cache,[^ ]*,from=[a-z]", text, re.M)
    assert "RUN <<EOF\n" in text and re.search(r"^COPY <<EOF /", text, re.M)
    assert "\\\n    # " in text  # a comment inside a continuation
    assert "\\\n\n" in text  # a blank line inside a continuation
    assert any(ord(c) > 0xFFFF for c in text) and any(0x7F < ord(c) <= 0xFFFF for c in text)
    for keyword in ("ARG ", "ENV ", "LABEL "):
        assert re.search(rf"^{keyword}", text, re.M)
    names = [s for s in sample.stages if s]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", list(gen.GENERATORS))
def test_positions_point_at_what_they_say(name: str) -> None:
    sample = gen.generate(name)
    p = sample.positions
    assert set(p) == set(gen.ALL_POSITIONS)

    line, i = char_at(sample, p[gen.POS_COMPLETE_FROM])
    assert line.startswith("COPY ") and line[:i].endswith("--from=")
    stage = re.match(r"[\w.-]+", line[i:])
    assert stage is not None
    line, i = char_at(sample, p[gen.POS_FROM_VALUE])
    assert line[i - 1 : i + 1] == stage.group()[:2]

    # the --from value names the stage whose name is marked, and definition lands there
    line, i = char_at(sample, p[gen.POS_DEFINITION_TARGET])
    assert line.startswith("FROM ") and line[i:].startswith(stage.group())
    assert line[i:] == stage.group()
    assert p[gen.POS_STAGE_NAME].line == p[gen.POS_DEFINITION_TARGET].line
    line, i = char_at(sample, p[gen.POS_STAGE_NAME_END])
    assert i == len(line)
    assert p[gen.POS_STAGE_NAME_END].line < p[gen.POS_COMPLETE_FROM].line

    line, i = char_at(sample, p[gen.POS_FROM_IMAGE])
    assert line.startswith("FROM ") and re.match(r"\w", line[i])
    line, i = char_at(sample, p[gen.POS_VARIABLE])
    assert "$" in line[:i] and re.match(r"\w", line[i])

    edit = p[gen.POS_EDIT_LINE]
    assert edit.character == 0 and sample.lines[edit.line].startswith("FROM ")
    assert sample.lines[edit.line - 1] == ""  # between instructions, not in a continuation

    assert sample.action_lines
    assert all(0 <= line < sample.line_count for line in sample.action_lines)


def test_utf16_columns() -> None:
    assert gen.utf16_len("a🐳b") == 4
    assert gen.utf16_len("größe") == 5


def test_cli_writes_files(tmp_path) -> None:
    assert gen.main(["--out", str(tmp_path), "small", "seed"]) == 0
    assert (tmp_path / "small.dockerfile").read_text(encoding="utf-8") == gen.small().text
    assert (tmp_path / "positions.json").exists()
