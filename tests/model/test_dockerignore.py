from __future__ import annotations

from pathlib import Path

import pytest

from msb_lsp.model.dockerignore import (
    InvalidPattern,
    find_dockerignore,
    go_clean,
    load_dockerignore,
    parse_dockerignore,
    read_patterns,
)


@pytest.mark.parametrize(
    ("path", "cleaned"),
    [
        ("", "."),
        ("./a//b/../c/", "a/c"),
        ("/", "/"),
        ("//x/./y", "/x/y"),
        ("../../a", "../../a"),
        ("/../a", "/a"),
        ("a/..", "."),
    ],
)
def test_go_clean(path: str, cleaned: str) -> None:
    assert go_clean(path) == cleaned


def test_read_patterns() -> None:
    text = "\ufeff# comment\n  node_modules/  \n\n/build\n! ./src/../lib\n #not a comment\n"
    assert read_patterns(text) == ["node_modules", "build", "!lib", "#not a comment"]


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        ("secrets.env", "secrets.env", True),
        ("secrets.env", "conf/secrets.env", False),  # anchored at the context root
        ("**/secrets.env", "conf/secrets.env", True),
        ("**/secrets.env", "secrets.env", True),
        ("*.log", "a.log", True),
        ("*.log", "dir/a.log", False),
        ("**/*.log", "a/b/c.log", True),
        ("dir", "dir/sub/file", True),  # a parent directory matches
        ("dir/**", "dir/x", True),
        ("dir/**", "dir", False),
        ("dir/**/x", "dir/x", True),
        ("dir/**/x", "dir/a/b/x", True),
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file10.txt", False),
        ("[a-c].txt", "b.txt", True),
        ("[^a-c].txt", "b.txt", False),
        ("a.b", "axb", False),  # `.` is literal
        ("*\n!keep", "keep", False),
        ("*\n!keep\nkeep", "keep", True),  # the last matching pattern wins
        # Go's quirk: a pattern without wildcards compares literally, escapes included
        ("a\\*b", "a*b", False),
        ("a\\*b", "a\\*b", True),
        ("a\\*b*", "a*bc", True),  # with a wildcard the escape works
        ("/build", "build/out", True),
    ],
)
def test_excludes(patterns: str, path: str, excluded: bool) -> None:
    assert parse_dockerignore(patterns).excludes(path) is excluded


def test_exceptions_are_noticed() -> None:
    assert parse_dockerignore("*\n!src").has_exceptions
    assert not parse_dockerignore("*\nsrc").has_exceptions


@pytest.mark.parametrize("bad", ["!", "[a-", "abc\\"])
def test_invalid_patterns(bad: str) -> None:
    with pytest.raises(InvalidPattern):
        parse_dockerignore(bad)


def test_find_and_load(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    assert find_dockerignore(dockerfile, tmp_path) is None
    (tmp_path / ".dockerignore").write_text("a\n")
    assert find_dockerignore(dockerfile, tmp_path) == tmp_path / ".dockerignore"
    (tmp_path / "Dockerfile.dockerignore").write_text("b\n")
    found = find_dockerignore(dockerfile, tmp_path)
    assert found == tmp_path / "Dockerfile.dockerignore"
    loaded = load_dockerignore(found)
    assert loaded is not None and loaded.excludes("b") and not loaded.excludes("a")
    found.write_text("b\nc-is-longer\n")  # a changed file is read again
    reloaded = load_dockerignore(found)
    assert reloaded is not None and reloaded.excludes("c-is-longer")
    found.write_text("[oops\n")
    assert load_dockerignore(found) is None
