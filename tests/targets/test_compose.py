"""compose `build.target`: the Dockerfile resolved as compose does (context relative to the
compose file, dockerfile relative to the context, absolute paths kept)."""

from __future__ import annotations

from pathlib import Path

from msb_lsp.model.span import Span
from msb_lsp.targets.compose import compose_targets, interpolated
from tests.targets.support import span_of


def test_context_and_dockerfile_resolution(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  web:\n"
        "    build:\n"
        "      context: ./app\n"
        "      dockerfile: docker/Dockerfile.prod\n"
        "      target: prod\n"
        "  api:\n"
        "    build:\n"
        "      target: api\n"
        "  abs:\n"
        "    build:\n"
        "      context: /srv/abs\n"
        "      dockerfile: /elsewhere/Dockerfile\n"
        "      target: x\n"
        "  short:\n"
        "    build: ./short\n"
        "  image-only:\n"
        "    image: nginx\n"
    )
    compose = tmp_path / "deploy" / "compose.yaml"
    refs = compose_targets(text, compose)
    folder = tmp_path / "deploy"
    assert [(r.value, r.origin, r.dockerfile) for r in refs] == [
        ("prod", 'service "web"', folder / "app" / "docker" / "Dockerfile.prod"),
        ("api", 'service "api"', folder / "Dockerfile"),
        ("x", 'service "abs"', Path("/elsewhere/Dockerfile")),
    ]
    assert refs[0].span == span_of(text, "prod", 1)
    assert refs[0].context == folder / "app"
    assert refs[0].context_span == span_of(text, "./app")
    assert refs[0].file_span == span_of(text, "docker/Dockerfile.prod")
    assert refs[1].context_span is None and refs[1].file_span is None
    assert refs[2].context == Path("/srv/abs")


def test_relative_dockerfile_goes_up_from_the_context(tmp_path: Path) -> None:
    text = "services:\n  a:\n    build:\n      context: app\n      dockerfile: ../Dockerfile\n      target: t\n"
    [ref] = compose_targets(text, tmp_path / "compose.yml")
    assert ref.dockerfile == tmp_path / "Dockerfile"


def test_what_leaves_the_dockerfile_unknown(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  inline:\n"
        "    build:\n"
        "      dockerfile_inline: |\n"
        "        FROM alpine AS a\n"
        "      target: a\n"
        "  remote:\n"
        "    build:\n"
        "      context: https://github.com/docker/compose.git#main\n"
        "      target: b\n"
        "  variable:\n"
        "    build:\n"
        "      context: ${APP_DIR:-./app}\n"
        "      target: c\n"
        "  file-variable:\n"
        "    build:\n"
        "      dockerfile: $DOCKERFILE\n"
        "      target: d\n"
    )
    refs = compose_targets(text, tmp_path / "compose.yaml")
    assert [(r.value, r.dockerfile, r.unresolved) for r in refs] == [
        ("a", None, "the Dockerfile is inline (dockerfile_inline)"),
        ("b", None, "the build context is remote"),
        ("c", None, "the build context depends on a variable"),
        ("d", None, "the Dockerfile path depends on a variable"),
    ]


def test_interpolation_and_the_dollar_escape(tmp_path: Path) -> None:
    assert interpolated("${TARGET}") and interpolated("$TARGET") and interpolated("a-${X:-b}")
    assert not interpolated("$$literal") and not interpolated("plain") and not interpolated("$")
    text = "services:\n  a:\n    build:\n      context: cost$$\n      target: ${T:-prod}\n"
    [ref] = compose_targets(text, tmp_path / "compose.yaml")
    assert ref.dynamic and not ref.checkable
    assert ref.context == tmp_path / "cost$"


def test_anchors_shared_by_services_with_different_contexts(tmp_path: Path) -> None:
    text = (
        "x-build: &build\n"
        "  target: runtime\n"
        "services:\n"
        "  one:\n"
        "    build:\n"
        "      <<: *build\n"
        "      context: one\n"
        "  two:\n"
        "    build:\n"
        "      <<: *build\n"
        "      context: two\n"
        "  three:\n"
        "    build:\n"
        "      <<: *build\n"
        "      context: one\n"
    )
    refs = compose_targets(text, tmp_path / "compose.yaml")
    span = span_of(text, "runtime")
    assert [(r.span, r.dockerfile) for r in refs] == [
        (span, tmp_path / "one" / "Dockerfile"),
        (span, tmp_path / "two" / "Dockerfile"),
    ]


def test_crlf_non_ascii_flow_style_and_quotes(tmp_path: Path) -> None:
    text = (
        "services:\r\n"
        "  wéb:   # café 🐳\r\n"
        "    build: {context: 'é 🐳', target: \"prod\"}\r\n"
        "  empty:\r\n"
        "    build:\r\n"
        "      target: \r\n"
    )
    refs = compose_targets(text, tmp_path / "compose.yaml")
    assert [(r.value, r.span) for r in refs] == [
        ("prod", span_of(text, "prod")),
        ("", Span.on_line(5, 14, 14)),
    ]
    assert refs[0].dockerfile == tmp_path / "é 🐳" / "Dockerfile"


def test_not_a_compose_file_and_unsaved_documents() -> None:
    assert compose_targets("- a\n- b\n", None) == []
    assert compose_targets("services: [a]\n", None) == []
    [ref] = compose_targets("services:\n  a:\n    build:\n      target: t\n", None)
    assert ref.dockerfile is None and ref.unresolved == "the compose file is not a saved file"
