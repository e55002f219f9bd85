"""From a target to its Dockerfile and stage (open document first, then disk), and from a
stage back to the open documents that name it."""

from __future__ import annotations

import os
from pathlib import Path

from msb_lsp.filekinds import FileKind
from msb_lsp.model.parser import parse
from msb_lsp.model.span import Pos
from msb_lsp.targets import (
    DockerfileFiles,
    display_path,
    find_target_references,
    path_of_uri,
    refs_at,
    resolve,
    targets_in,
    targets_in_document,
    uri_of_path,
)
from tests.targets.support import DOCKERFILE, span_of, write


def test_a_target_resolves_to_its_stage_case_insensitively(tmp_path: Path) -> None:
    dockerfile = write(tmp_path / "Dockerfile", DOCKERFILE)
    text = "docker build --target RUNTIME .\ndocker build --target nope .\n"
    refs = targets_in(FileKind.SHELL, text, tmp_path / "b.sh")
    files = DockerfileFiles()
    found = resolve(refs[0], files)
    assert found.file is not None and found.file.path == dockerfile and not found.file.open
    assert found.file.uri == dockerfile.as_uri()
    assert found.stage is not None and found.stage.index == 1
    assert found.stage_names == ["build", "runtime"]
    missing_stage = resolve(refs[1], files)
    assert missing_stage.stage is None and not missing_stage.missing


def test_an_open_document_wins_over_the_disk(tmp_path: Path) -> None:
    dockerfile = write(tmp_path / "app" / "Dockerfile", DOCKERFILE)
    uri = dockerfile.as_uri()
    text = "docker build --target extra app\n"
    [ref] = targets_in(FileKind.SHELL, text, tmp_path / "b.sh")
    assert resolve(ref, DockerfileFiles()).stage is None
    files = DockerfileFiles({uri: DOCKERFILE + "FROM runtime AS extra\n"})
    found = resolve(ref, files)
    assert found.file is not None and found.file.open and found.file.uri == uri
    assert found.stage is not None and found.stage.name == "extra"
    # A model the caller already parsed is used as it is.
    model = parse("FROM a AS extra\n")
    shared = DockerfileFiles({uri: "ignored"}, parsed=lambda u: model if u == uri else None)
    assert resolve(ref, shared).file.df is model  # type: ignore[union-attr]


def test_the_disk_is_read_again_when_the_file_changes(tmp_path: Path) -> None:
    dockerfile = write(tmp_path / "Dockerfile", "FROM a AS one\n")
    [ref] = targets_in(FileKind.SHELL, "docker build --target two .\n", tmp_path / "b.sh")
    assert resolve(ref, DockerfileFiles()).stage is None
    write(dockerfile, "FROM a AS one\nFROM b AS two\n")
    stat = dockerfile.stat()
    os.utime(dockerfile, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert resolve(ref, DockerfileFiles()).stage is not None


def test_missing_dockerfiles_and_folders(tmp_path: Path) -> None:
    (tmp_path / "dir" / "Dockerfile").mkdir(parents=True)
    text = "docker build --target a -f nope .\ndocker build --target a dir\n"
    refs = targets_in(FileKind.SHELL, text, tmp_path / "b.sh")
    assert [resolve(r, DockerfileFiles()).missing for r in refs] == [True, True]


def test_refs_at_covers_the_value_and_its_end() -> None:
    text = "docker build --target prod .\n"
    [ref] = targets_in(FileKind.SHELL, text, Path("/p/b.sh"))
    assert refs_at([ref], Pos(0, 22)) == [ref]
    assert refs_at([ref], Pos(0, 26)) == [ref]  # right after the word
    assert refs_at([ref], Pos(0, 27)) == []


def test_find_target_references_across_open_documents(tmp_path: Path) -> None:
    dockerfile = write(tmp_path / "app" / "Dockerfile", DOCKERFILE)
    compose = "services:\n  a:\n    build:\n      context: app\n      target: Runtime\n"
    other = "services:\n  a:\n    build:\n      context: other\n      target: runtime\n"
    bake = 'target "x" {\n  context = "app"\n  target = "runtime"\n}\n'
    script = 'docker build --target "runtime" app\ndocker build --target $T app\n'
    workflow = "jobs:\n  b:\n    steps:\n      - run: docker build --target runtime app\n"
    readme = "docker build --target runtime app\n"
    documents = {
        (tmp_path / "compose.yaml").as_uri(): compose,
        (tmp_path / "sub" / "compose.yaml").as_uri(): other,
        (tmp_path / "docker-bake.hcl").as_uri(): bake,
        (tmp_path / "build.sh").as_uri(): script,
        (tmp_path / ".github" / "workflows" / "ci.yml").as_uri(): workflow,
        (tmp_path / "README.md").as_uri(): readme,
        dockerfile.as_uri(): DOCKERFILE,
    }
    found = find_target_references(dockerfile, "runtime", documents)
    assert found == [
        ((tmp_path / "compose.yaml").as_uri(), span_of(compose, "Runtime")),
        ((tmp_path / "docker-bake.hcl").as_uri(), span_of(bake, "runtime")),
        ((tmp_path / "build.sh").as_uri(), span_of(script, "runtime")),
        ((tmp_path / ".github" / "workflows" / "ci.yml").as_uri(), span_of(workflow, "runtime")),
    ]
    # The Dockerfile may be given as a URI or an unnormalized path; other names match nothing.
    assert find_target_references(dockerfile.as_uri(), "RUNTIME", documents) == found
    assert (
        find_target_references(
            str(tmp_path / "app" / ".." / "app" / "Dockerfile"), "runtime", documents
        )
        == found
    )
    assert find_target_references(dockerfile, "build", documents) == []
    assert find_target_references("untitled:Untitled-1", "runtime", documents) == []


def test_uris_and_paths() -> None:
    assert path_of_uri("file:///tmp/a%20b/Dockerfile") == Path("/tmp/a b/Dockerfile")
    assert path_of_uri("untitled:Untitled-1") is None
    assert uri_of_path(Path("/tmp/a b/x/../Dockerfile")) == "file:///tmp/a%20b/Dockerfile"
    kind_uri = "file:///p/docker-compose.yml"
    assert targets_in_document(kind_uri, "services:\n  a:\n    build:\n      target: t\n")
    assert display_path(Path("/p/app/Dockerfile"), Path("/p")) == "app/Dockerfile"
    assert display_path(Path("/p/Dockerfile"), Path("/p/sub")) == "../Dockerfile"
    assert display_path(Path("/p/Dockerfile"), None) == "/p/Dockerfile"
