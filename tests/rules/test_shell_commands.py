"""The RUN command splitter the final-image rules share (msb_lsp/rules/_shell.py)."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules._shell import append_edit, installed_packages, mount_targets, script


def commands(text: str, index: int = 1) -> list[list[str]]:
    df = parse(text)
    return [c.values() for c in script(df, df.instructions[index]).commands]


def test_splits_lists_pipes_and_compound_commands() -> None:
    text = (
        "FROM x\n"
        "RUN set -eux; \\\n"
        "    # a comment line inside the continuation\n"
        "    if [ -f a ]; then CGO_ENABLED=0 env FOO=1 go build -o /x . ; fi \\\n"
        '    && curl -fsSL "https://e.x/a b" | tar -xz -C /opt 2>/dev/null || true\n'
    )
    assert commands(text) == [
        ["set", "-eux"],
        ["[", "-f", "a", "]"],
        ["go", "build", "-o", "/x", "."],
        ["curl", "-fsSL", "https://e.x/a b"],
        ["tar", "-xz", "-C", "/opt"],
        ["true"],
    ]
    df = parse(text)
    go = script(df, df.instructions[1]).commands[2]
    assert go.assigned("CGO_ENABLED") == "0" and go.assigned("FOO") == "1"
    assert df.source.text_at(go.span(0, 1)) == "go build"
    assert go.span(0, 1).start.line == 3


def test_reads_heredoc_scripts_but_not_other_programs() -> None:
    text = "FROM x\nRUN <<EOF\napt-get update\npip install \\\n  flask\nEOF\n"
    assert commands(text) == [["apt-get", "update"], ["pip", "install", "flask"]]
    text = "FROM x\nRUN python3 <<EOF\nimport os\nEOF\n"
    assert commands(text) == [["python3"]]


def test_exec_form_is_one_command() -> None:
    assert commands('FROM x\nRUN ["npm", "ci", "--omit=dev"]\n') == [["npm", "ci", "--omit=dev"]]


def test_installed_packages_and_mounts() -> None:
    text = (
        "FROM x\n"
        "RUN --mount=type=cache,target=/var/cache/apk/ --mount=type=bind,target=/src "
        "apk add --no-cache --virtual .deps gcc=13.2 musl-dev && "
        "apt-get -o Dpkg::Options::=--force-confold install -y curl:amd64\n"
    )
    df = parse(text)
    run = df.instructions[1]
    found = [installed_packages(c) for c in script(df, run).commands]
    assert found == [["gcc", "musl-dev"], ["curl"]]
    assert mount_targets(run) == ["/var/cache/apk"]


def test_append_edit_respects_the_end_of_the_command_line() -> None:
    def appended(run: str) -> str | None:
        df = parse(f"FROM x\nRUN {run}\n")
        edit = append_edit(df, df.instructions[1], "cleanup")
        return None if edit is None else run + edit.text

    assert appended("a && b") == "a && b && cleanup"
    assert appended("a; b;") == "a; b; cleanup"
    assert appended("a # note") is None
    assert appended("a &&") is None
