"""`--target` on command lines in shell scripts and Makefiles: exact spans, both flag forms,
quoting, continuations, CRLF, paths resolved from the working folder like docker does."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from msb_lsp.model.span import Span
from msb_lsp.targets.commands import makefile_targets, script_targets
from tests.targets.support import span_of, write


def test_both_flag_forms_with_exact_spans(tmp_path: Path) -> None:
    text = "docker build --target prod .\ndocker build --target=test -t x .\n"
    refs = script_targets(text, tmp_path / "build.sh")
    assert [(r.value, r.span) for r in refs] == [
        ("prod", span_of(text, "prod")),
        ("test", span_of(text, "test")),
    ]
    assert all(r.dockerfile == tmp_path / "Dockerfile" for r in refs)
    assert refs[0].context == tmp_path
    assert refs[0].context_span == span_of(text, ".")
    assert refs[0].origin == "docker build"


def test_quoted_values_exclude_the_quotes(tmp_path: Path) -> None:
    text = 'docker build --target "prod" .\ndocker build --target=\'dev\' .\ndocker build --target "" .\n'
    refs = script_targets(text, tmp_path / "b.sh")
    assert [(r.value, r.span) for r in refs] == [
        ("prod", span_of(text, "prod")),
        ("dev", span_of(text, "dev")),
        ("", Span.on_line(2, 23, 23)),  # inside the empty quotes
    ]


def test_file_flag_is_relative_to_the_working_folder_not_the_context(tmp_path: Path) -> None:
    text = (
        "docker buildx build \\\n"
        "  -f docker/Dockerfile.dev \\\n"
        "  --target dev \\\n"
        "  ./src\n"
        "docker build --file=/abs/Dockerfile --target a src\n"
        "docker build -fother.Dockerfile --target b src\n"
    )
    refs = script_targets(text, tmp_path / "scripts" / "build.sh")
    folder = tmp_path / "scripts"
    assert refs[0].value == "dev"
    assert refs[0].span == span_of(text, "dev", 1)
    assert refs[0].dockerfile == folder / "docker" / "Dockerfile.dev"
    assert refs[0].context == folder / "src"
    assert refs[0].file_span == span_of(text, "docker/Dockerfile.dev")
    assert refs[0].origin == "docker buildx build"
    assert refs[1].dockerfile == Path("/abs/Dockerfile")
    assert refs[2].dockerfile == folder / "other.Dockerfile"
    assert refs[2].file_span == span_of(text, "other.Dockerfile")


def test_context_resolution_and_unknown_cases(tmp_path: Path) -> None:
    text = (
        "docker build --target a ../app\n"
        "docker build --target b https://github.com/x/y.git\n"
        "docker build --target c $CONTEXT\n"
        "docker build --target d - < Dockerfile\n"
        "docker build --target e\n"
        "docker build --target f -f $FILE .\n"
    )
    refs = script_targets(text, tmp_path / "ci" / "b.sh")
    assert refs[0].dockerfile == tmp_path / "app" / "Dockerfile"
    assert [r.unresolved for r in refs[1:]] == [
        "the build context is remote",
        "the build context depends on a variable",
        "the Dockerfile is read from standard input",
        "the command names no build context",
        "the Dockerfile path depends on a variable",
    ]
    assert all(r.dockerfile is None for r in refs[1:])


def test_crlf_and_non_ascii(tmp_path: Path) -> None:
    text = "# café 🐳\r\necho 'é' && docker build --target=🐳prod . # é\r\n"
    refs = script_targets(text, tmp_path / "b.sh")
    assert [(r.value, r.span) for r in refs] == [("🐳prod", span_of(text, "🐳prod"))]


def test_dynamic_values_are_marked(tmp_path: Path) -> None:
    text = 'docker build --target "$T" .\ndocker build --target ${T:-prod} .\n'
    refs = script_targets(text, tmp_path / "b.sh")
    assert [(r.value, r.dynamic, r.checkable) for r in refs] == [
        ("$T", True, False),
        ("${T:-prod}", True, False),
    ]


def test_a_target_still_to_be_written(tmp_path: Path) -> None:
    text = "docker build --target  -f Dockerfile .\ndocker build --target= .\n"
    refs = script_targets(text, tmp_path / "b.sh")
    assert [(r.value, r.span) for r in refs] == [
        ("", Span.on_line(0, 22, 23)),  # the blank before `-f`
        ("", Span.on_line(1, 22, 22)),  # right after `=`
    ]
    assert not refs[0].checkable


def test_prefixes_wrappers_and_separators(tmp_path: Path) -> None:
    text = (
        "sudo -E -u ci DOCKER_BUILDKIT=1 docker build --target a .\n"
        "X=1 env -u Y time docker image build --target b . | tee log\n"
        "if true; then podman build --target c; fi\n"
        "(cd x && buildah bud --target d -f Containerfile .) || exit 1\n"
        "/usr/local/bin/docker --context remote buildx --builder b b --target e .\n"
        "nerdctl build --target f . 2>&1 >/dev/null\n"
    )
    refs = script_targets(text, tmp_path / "b.sh")
    assert [(r.value, r.origin) for r in refs] == [
        ("a", "docker build"),
        ("b", "docker image build"),
        ("c", "podman build"),
        ("d", "buildah bud"),
        ("e", "/usr/local/bin/docker --context remote buildx --builder b b"),
        ("f", "nerdctl build"),
    ]


def test_text_that_only_mentions_a_build_is_ignored(tmp_path: Path) -> None:
    text = (
        "echo docker build --target a .\n"
        "echo 'docker build --target b .'\n"
        "# docker build --target c .\n"
        "cat <<EOF > script\n"
        "docker build --target d .\n"
        "EOF\n"
        "cat <<-'END'\n"
        "\tdocker build --target e .\n"
        "\tEND\n"
        "docker run --target f x\n"
        "docker build --target g .\n"
    )
    refs = script_targets(text, tmp_path / "b.sh")
    assert [r.value for r in refs] == ["g"]
    assert refs[0].span == Span.on_line(10, 22, 23)


def test_podman_looks_for_a_containerfile_first(tmp_path: Path) -> None:
    write(tmp_path / "app" / "Containerfile", "FROM alpine AS a\n")
    write(tmp_path / "only-docker" / "Dockerfile", "FROM alpine AS a\n")
    text = (
        "podman build --target a app\n"
        "podman build --target a only-docker\n"
        "docker build --target a app\n"
        "podman build --target a\n"
        "podman build -f Containerfile --target a app\n"
    )
    refs = script_targets(text, tmp_path / "b.sh")
    assert [r.dockerfile for r in refs] == [
        tmp_path / "app" / "Containerfile",
        tmp_path / "only-docker" / "Dockerfile",
        tmp_path / "app" / "Dockerfile",  # docker only ever defaults to Dockerfile
        tmp_path / "Dockerfile",  # podman builds the current folder
        tmp_path / "app" / "Containerfile",  # found under the context
    ]


def test_unsaved_script_leaves_relative_paths_unresolved() -> None:
    refs = script_targets("docker build --target a .\ndocker build --target b /srv\n", None)
    assert refs[0].dockerfile is None
    assert refs[0].unresolved == "the document is not a saved file"
    assert refs[1].dockerfile == Path("/srv/Dockerfile")


def test_makefile_recipes_variables_and_engine_variables(tmp_path: Path) -> None:
    text = (
        "DOCKER ?= docker\n"
        "IMAGE := docker build --target base .\n"
        "# docker build --target comment .\n"
        ".PHONY: build\n"
        "build: ## build it\n"
        "\t@$(DOCKER) build --target test \\\n"
        "\t  --file=docker/Dockerfile .\n"
        "\t-docker build --target $(TARGET) .\n"
        "\tdocker build --target=$${T} .\n"
        "quick: ; docker build --target quick .\n"
        "define RECIPE\n"
        "docker build --target defined .\n"
        "endef\n"
    )
    refs = makefile_targets(text, tmp_path / "Makefile")
    assert [(r.value, r.dynamic) for r in refs] == [
        ("base", False),
        ("test", False),
        ("$(TARGET)", True),
        ("$${T}", True),
        ("quick", False),
        ("defined", False),
    ]
    assert refs[1].span == span_of(text, "test")
    assert refs[1].dockerfile == tmp_path / "docker" / "Dockerfile"
    assert refs[1].file_span == span_of(text, "docker/Dockerfile")
    assert refs[1].origin == "$(DOCKER) build"
    assert refs[4].span == span_of(text, "quick", 1)


def test_makefile_with_crlf_and_a_bom(tmp_path: Path) -> None:
    text = "\ufeffall:\r\n\tdocker build --target wé .\r\n"
    refs = makefile_targets(text, tmp_path / "Makefile")
    assert [(r.value, r.span) for r in refs] == [("wé", span_of(text, "wé"))]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="docker build --target=-f . \\\n'\"$(){}`;&|<>#@\té🐳", max_size=120))
def test_scripts_and_makefiles_never_raise(text: str) -> None:
    for reader in (script_targets, makefile_targets):
        for ref in reader("docker build --target " + text, Path("/p/x")):
            assert ref.span.start <= ref.span.end
