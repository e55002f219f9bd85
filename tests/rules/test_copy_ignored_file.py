from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.helpers import findings

CODE = "MSB315"


def _project(tmp_path: Path, dockerignore: str | None, dockerfile: str) -> Path:
    if dockerignore is not None:
        (tmp_path / ".dockerignore").write_text(dockerignore)
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    return path


def test_buildkit_minimal_trigger(tmp_path: Path) -> None:
    text = "FROM alpine\nCOPY secrets.env /app/\n"
    path = _project(tmp_path, "secrets.env\n", text)
    (found,) = findings(text, CODE, path=path)
    assert (
        found.message == 'Attempting to Copy file "secrets.env" that is excluded by .dockerignore'
    )
    assert str(found.span) == "2:6-2:17"


def test_add_parent_directory_and_cleaned_path(tmp_path: Path) -> None:
    text = "FROM alpine\nADD ./node_modules/x/../pkg /app/\n"
    path = _project(tmp_path, "# deps\nnode_modules\n", text)
    (found,) = findings(text, CODE, path=path)
    assert found.message == (
        'Attempting to Add file "node_modules/pkg" that is excluded by .dockerignore'
    )


def test_docs_example_star_slash_tmp(tmp_path: Path) -> None:
    text = "FROM scratch\nCOPY ./tmp/helloworld.txt /h.txt\nCOPY a/tmp/x /x\n"
    path = _project(tmp_path, "*/tmp/*\n", text)
    assert [str(f.span.start) for f in findings(text, CODE, path=path)] == ["3:6"]


def test_variables_json_form_and_several_sources(tmp_path: Path) -> None:
    text = 'FROM alpine\nARG DIR=build\nCOPY ["src", "$DIR/out"]\nCOPY a ${DIR} b /dst/\n'
    path = _project(tmp_path, "build\n", text)
    assert [str(f.span) for f in findings(text, CODE, path=path)] == ["4:8-4:14"]


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    text = "FROM alpine\nCOPY a.txt b.txt /\n"
    path = tmp_path / "app.Dockerfile"
    path.write_text(text)
    (tmp_path / ".dockerignore").write_text("a.txt\n")
    (tmp_path / "app.Dockerfile.dockerignore").write_text("b.txt\n")
    assert [str(f.span) for f in findings(text, CODE, path=path)] == ["2:12-2:17"]


def test_context_directory_and_explicit_file(tmp_path: Path) -> None:
    text = "FROM alpine\nCOPY a.txt b.txt /\n"
    context = tmp_path / "ctx"
    context.mkdir()
    (context / ".dockerignore").write_text("a.txt\n")
    path = tmp_path / "docker" / "Dockerfile"
    path.parent.mkdir()
    path.write_text(text)
    assert len(findings(text, CODE, path=path, context_dir=context)) == 1
    explicit = tmp_path / "custom.ignore"
    explicit.write_text("*.txt\n")
    assert len(findings(text, CODE, path=path, dockerignore=explicit)) == 2


@pytest.mark.parametrize(
    ("ignore", "text"),
    [
        ("secrets.env\n", "FROM alpine\nCOPY app.py /app/\n"),
        # `!` exceptions: BuildKit skips the check entirely
        ("*\n!src\n", "FROM alpine\nCOPY secrets.env /app/\n"),
        # copies from a stage or image do not read the context
        ("dist\n", "FROM alpine AS b\nFROM alpine\nCOPY --from=b dist /app\n"),
        ("*.tar.gz\n", "FROM alpine\nADD https://example.org/x.tar.gz /x/\n"),
        ("secrets\n", "FROM alpine\nCOPY <<secrets /app/cfg\nhello\nsecrets\n"),
        ("build\n", "FROM alpine\nCOPY $UNKNOWN /app/\n"),  # cannot resolve: not judged
        ("*.md\n", "FROM alpine\nCOPY docs/README.md /\n"),  # `*` stops at `/`
        ("secrets.env\n", "FROM alpine\nONBUILD COPY secrets.env /\n"),
        (None, "FROM alpine\nCOPY secrets.env /app/\n"),  # no ignore file
    ],
)
def test_does_not_catch(tmp_path: Path, ignore: str | None, text: str) -> None:
    path = _project(tmp_path, ignore, text)
    assert findings(text, CODE, path=path) == []


def test_without_a_path_nothing_is_read() -> None:
    assert findings("FROM alpine\nCOPY secrets.env /app/\n", CODE) == []
