"""GitHub Actions workflows: `docker/build-push-action` inputs and `run:` steps."""

from __future__ import annotations

from pathlib import Path

from msb_lsp.targets.ref import repository_root
from msb_lsp.targets.workflow import workflow_targets
from tests.targets.support import span_of

WORKFLOW = """\
name: image
defaults:
  run:
    working-directory: services
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Image
        uses: docker/build-push-action@v6
        with:
          context: ./app
          file: ./app/Dockerfile.prod
          target: runtime
      - uses: Docker/Build-Push-Action@v5
        with:
          target: "dev"
      - uses: docker/build-push-action@v6
        with:
          context: ${{ matrix.dir }}
          target: ${{ matrix.target }}
      - name: Script
        run: |
          echo "é 🐳"
          docker build \\
            --target test \\
            api
      - run: docker build --target=lint api
        working-directory: ./tools
  other:
    defaults:
      run:
        working-directory: ${{ inputs.dir }}
    steps:
      - run: docker build --target x -f Dockerfile .
"""


def test_build_push_action_and_run_steps(tmp_path: Path) -> None:
    path = tmp_path / ".github" / "workflows" / "image.yml"
    refs = workflow_targets(WORKFLOW, path)
    assert [(r.value, r.origin, r.dockerfile) for r in refs] == [
        ("runtime", "docker/build-push-action", tmp_path / "app" / "Dockerfile.prod"),
        ("dev", "docker/build-push-action", tmp_path / "Dockerfile"),  # the repository
        ("${{ matrix.target }}", "docker/build-push-action", None),
        ("test", "docker build", tmp_path / "services" / "api" / "Dockerfile"),
        ("lint", "docker build", tmp_path / "tools" / "api" / "Dockerfile"),
        ("x", "docker build", None),
    ]
    assert refs[0].span == span_of(WORKFLOW, "runtime")
    assert refs[0].context == tmp_path / "app"
    assert refs[0].context_span == span_of(WORKFLOW, "./app")
    assert refs[0].file_span == span_of(WORKFLOW, "./app/Dockerfile.prod")
    assert refs[1].span == span_of(WORKFLOW, "dev")
    assert refs[2].dynamic and refs[2].unresolved == "the build context depends on an expression"
    assert refs[3].span == span_of(WORKFLOW, "test", 1)  # after ubuntu-latest
    assert refs[4].span == span_of(WORKFLOW, "lint")
    assert refs[5].unresolved == "the working directory depends on an expression"


def test_folded_run_and_crlf(tmp_path: Path) -> None:
    text = (
        "jobs:\r\n"
        "  b:\r\n"
        "    steps:\r\n"
        "      - run: >\r\n"
        "          docker build\r\n"
        "          --target wé\r\n"
        "          .\r\n"
    )
    refs = workflow_targets(text, tmp_path / ".github" / "workflows" / "ci.yaml")
    assert [(r.value, r.span, r.dockerfile) for r in refs] == [
        ("wé", span_of(text, "wé"), tmp_path / "Dockerfile")
    ]


def test_outside_a_repository_the_paths_are_unknown(tmp_path: Path) -> None:
    refs = workflow_targets(WORKFLOW, tmp_path / "image.yml")
    assert refs and all(r.dockerfile is None for r in refs)
    assert refs[0].unresolved == "the workflow is not in a repository's .github/workflows folder"


def test_repository_root() -> None:
    assert repository_root(Path("/r/.github/workflows/a.yml")) == Path("/r")
    assert repository_root(Path("/r/x.yml")) is None
