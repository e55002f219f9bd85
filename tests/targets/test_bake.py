"""Bake `target` attributes in HCL and JSON: each block's context and dockerfile, inherits."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from msb_lsp.model.span import Span
from msb_lsp.targets.bake import hcl_targets, json_targets, templated, tokenize_hcl
from tests.targets.support import span_of

HCL = """\
# comment with target = "nope"
// another
/* block
   target "hidden" { target = "x" } */
variable "TAG" { default = "latest" }
group "default" { targets = ["app", "tools"] }

target "base" {
  context = "app"
  target  = "build"
  args = {
    VERSION = "1.${TAG}"
  }
}

target "app" {
  inherits = ["base"]
  dockerfile = "docker/Dockerfile.prod"
  tags = ["app:${TAG}"]
}

target "tools" { context = "tools", target = "tooling" }

target "inline" {
  dockerfile-inline = <<EOT
FROM alpine AS hidden
EOT
  target = "hidden"
}
"""


def test_blocks_attributes_and_inherited_targets(tmp_path: Path) -> None:
    refs = hcl_targets(HCL, tmp_path / "docker-bake.hcl")
    build = span_of(HCL, "build", 0)
    assert [(r.value, r.span, r.origin, r.dockerfile) for r in refs] == [
        ("build", build, 'bake target "base"', tmp_path / "app" / "Dockerfile"),
        (
            "build",
            build,
            'bake target "app" (inherited from "base")',
            tmp_path / "app" / "docker" / "Dockerfile.prod",
        ),
        (
            "tooling",
            span_of(HCL, "tooling"),
            'bake target "tools"',
            tmp_path / "tools" / "Dockerfile",
        ),
        ("hidden", span_of(HCL, "hidden", 2), 'bake target "inline"', None),
    ]
    assert refs[1].file_span == span_of(HCL, "docker/Dockerfile.prod")
    assert refs[1].context_span == span_of(HCL, "app", 1)  # inherited from base
    assert refs[3].unresolved == "the Dockerfile is inline (dockerfile-inline)"


def test_the_last_inherited_value_wins_and_own_values_override(tmp_path: Path) -> None:
    text = (
        'target "a" {\n  context = "a"\n  target = "ta"\n}\n'
        'target "b" {\n  context = "b"\n}\n'
        'target "c" {\n  inherits = ["a", "b"]\n}\n'
        'target "d" {\n  inherits = ["c"]\n  target = "own"\n}\n'
    )
    refs = hcl_targets(text, tmp_path / "docker-bake.hcl")
    assert [(r.value, r.origin, r.dockerfile) for r in refs] == [
        ("ta", 'bake target "a"', tmp_path / "a" / "Dockerfile"),
        ("ta", 'bake target "c" (inherited from "a")', tmp_path / "b" / "Dockerfile"),
        ("own", 'bake target "d"', tmp_path / "b" / "Dockerfile"),
    ]


def test_inheritance_cycles_do_not_loop(tmp_path: Path) -> None:
    text = (
        'target "a" {\n  inherits = ["b"]\n  context = "x"\n}\n'
        'target "b" {\n  inherits = ["a"]\n  context = "y"\n  target = "t"\n}\n'
    )
    refs = hcl_targets(text, tmp_path / "docker-bake.hcl")
    assert sorted(r.origin for r in refs) == [
        'bake target "a" (inherited from "b")',
        'bake target "b"',
    ]


def test_templates_remote_contexts_and_cwd_prefix(tmp_path: Path) -> None:
    assert templated("${TAG}") and templated("a%{if x}b%{endif}")
    assert not templated("$${NOT}") and not templated("plain") and not templated("$x")
    text = (
        'target "t" { target = "${T}" }\n'
        'target "r" {\n  context = "https://github.com/x/y.git"\n  target = "r"\n}\n'
        'target "v" {\n  context = "${DIR}"\n  target = "v"\n}\n'
        'target "w" {\n  context = "cwd://sub"\n  target = "w"\n}\n'
        'target "e" { target = "$${literal}" }\n'
        'target "x" { target = lower("X") }\n'
    )
    refs = hcl_targets(text, tmp_path / "docker-bake.hcl")
    assert [(r.value, r.dynamic, r.dockerfile, r.unresolved) for r in refs] == [
        ("${T}", True, tmp_path / "Dockerfile", None),
        ("r", False, None, "the build context is remote"),
        ("v", False, None, "the build context depends on a variable"),
        ("w", False, tmp_path / "sub" / "Dockerfile", None),
        ("${literal}", False, tmp_path / "Dockerfile", None),
        ('lower("X")', True, tmp_path / "Dockerfile", None),
    ]


def test_non_ascii_crlf_and_a_value_being_typed(tmp_path: Path) -> None:
    text = (
        '# é 🐳\r\ntarget "wéb-🐳" { target = "prod" }\r\ntarget "typing" {\r\n  target = \r\n}\r\n'
    )
    refs = hcl_targets(text, tmp_path / "docker-bake.hcl")
    assert [(r.value, r.span, r.quote) for r in refs] == [
        ("prod", span_of(text, "prod"), ""),
        ("", Span.on_line(3, 11, 11), '"'),  # a bare slot: completion adds the quotes
    ]
    refs = hcl_targets('target "a" {\n  target = "pro\n  context = "x"\n}\n', tmp_path / "b.hcl")
    assert [(r.value, r.span) for r in refs] == [("pro", Span.on_line(1, 12, 15))]


def test_tokenizer_skips_heredocs_and_comments() -> None:
    toks = tokenize_hcl('a = <<-EOT\n  target = "x"\n  EOT\n# "y"\nb = "z"\n')
    assert [t.text for t in toks if t.kind == "string"] == ["z"]


def test_json_bake_files(tmp_path: Path) -> None:
    text = (
        "{\n"
        '  "group": {"default": {"targets": ["app"]}},\n'
        '  "target": {\n'
        '    "base": {"context": "app", "target": "build"},\n'
        '    "app": {"inherits": ["base"], "dockerfile": "Dockerfile.prod"},\n'
        '    "typing": {"target": },\n'
        '    "null": {"target": null}\n'
        "  }\n"
        "}\n"
    )
    refs = json_targets(text, tmp_path / "docker-bake.json")
    build = span_of(text, "build")
    assert [(r.value, r.span, r.dockerfile, r.quote, r.dynamic) for r in refs] == [
        ("build", build, tmp_path / "app" / "Dockerfile", "", False),
        ("build", build, tmp_path / "app" / "Dockerfile.prod", "", False),
        ("", Span.on_line(5, 25, 25), tmp_path / "Dockerfile", '"', False),
        ("null", span_of(text, "null", 1), tmp_path / "Dockerfile", "", True),
    ]


def test_deep_inheritance_chains_stay_bounded(tmp_path: Path) -> None:
    blocks = ['target "t0" {\n  target = "x"\n}\n']
    blocks += [f'target "t{n}" {{\n  inherits = ["t{n - 1}"]\n}}\n' for n in range(1, 400)]
    blocks += ['target "far" {\n  inherits = ["t399"]\n  context = "far"\n}\n']
    refs = hcl_targets("".join(blocks), tmp_path / "docker-bake.hcl")
    # One Dockerfile for the whole chain (reported once, for its owner), another for `far`.
    assert [(r.origin, r.dockerfile) for r in refs] == [
        ('bake target "t0"', tmp_path / "Dockerfile"),
        ('bake target "far" (inherited from "t0")', tmp_path / "far" / "Dockerfile"),
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='target"{}[]=,#/*<-EOT\n $%\\aé🐳', max_size=120))
def test_hcl_reading_never_raises(text: str) -> None:
    for ref in hcl_targets(text, Path("/p/docker-bake.hcl")):
        assert ref.span.start <= ref.span.end
