"""Extract builder stage: golden files per ecosystem, style variants, and the engine's edges.

Each folder of tests/refactor/golden/ holds a single-stage `Dockerfile` written for these
tests (with the project files the refactoring reads: package.json, Cargo.toml, ...) and
the reviewed `expected.Dockerfile`. `MSB_LSP_UPDATE_GOLDEN=1` rewrites the expected files
from the current output (review the diff before committing).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from msb_lsp.cli.main import main as cli
from msb_lsp.engine.lint import lint
from msb_lsp.images.catalog import load_catalog
from msb_lsp.model import parse
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.span import Pos, Span
from msb_lsp.refactor.ecosystems import DiskProject, Project
from msb_lsp.refactor.extract import about, extract_builder_stage
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.refactor.shared_base import introduce_shared_base
from msb_lsp.refactor.style import EXTRACT, Refactoring
from msb_lsp.rules.base import Severity

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "Dockerfile").is_file())
UPDATE = os.environ.get("MSB_LSP_UPDATE_GOLDEN") == "1"


def test_every_ecosystem_has_a_golden_case() -> None:
    assert CASES == [
        "dotnet",
        "generic",
        "go",
        "java-gradle",
        "java-maven",
        "nextjs",
        "node-npm",
        "node-pnpm",
        "node-yarn",
        "python",
        "rust",
    ]


def source(case: str) -> str:
    return (GOLDEN / case / "Dockerfile").read_text(encoding="utf-8")


def expected(case: str) -> str:
    return (GOLDEN / case / "expected.Dockerfile").read_text(encoding="utf-8")


def extract(text: str, case: str | None = None, selection: Span | None = None) -> Refactoring:
    project = DiskProject(GOLDEN / case) if case else Project()
    found = extract_builder_stage(parse(text), selection, project)
    assert found is not None, "nothing extracted"
    assert found.kind == EXTRACT
    return found


def refactored(text: str, case: str | None = None) -> str:
    return apply_edits(text, extract(text, case).edits)


def lower_keywords(text: str) -> str:
    """The same Dockerfile with every instruction keyword (and `AS`) in lower case."""
    df = parse(text)
    spans = []
    for instr in df.walk():
        spans.append(instr.keyword_span)
        as_word = getattr(instr, "as_keyword", None)
        if as_word is not None:
            spans.append(as_word.span)
    from msb_lsp.rules.base import Edit

    return apply_edits(text, [Edit(s, df.source.text_at(s).lower()) for s in spans])


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    result = refactored(source(case), case)
    path = GOLDEN / case / "expected.Dockerfile"
    if UPDATE:
        path.write_text(result, encoding="utf-8", newline="")
    assert result == expected(case)


VARIANTS = {
    "crlf": crlf,
    "lower": lower_keywords,
    "crlf-lower": lambda t: crlf(lower_keywords(t)),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("case", CASES)
def test_golden_keeps_the_file_style(case: str, variant: str) -> None:
    change = VARIANTS[variant]
    text = change(source(case))
    result = refactored(text, case)
    assert result == change(expected(case))
    if "crlf" in variant:
        assert "\n" not in result.replace("\r\n", "")


def error_codes(text: str) -> set[str]:
    return {f.code for f in lint(parse(text)) if f.severity is Severity.ERROR}


@pytest.mark.parametrize("case", CASES)
def test_result_parses_and_adds_no_error(case: str) -> None:
    text = expected(case)
    df = parse(text)
    assert df.problems == []
    assert len(df.stages) == 2
    assert error_codes(text) <= error_codes(source(case))
    assert error_codes(text) == set()


@pytest.mark.parametrize("case", CASES)
def test_result_passes_msb_lsp_check(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = GOLDEN / case / "expected.Dockerfile"
    code = cli(["check", "--no-config", "--fail-level", "error", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out


@pytest.mark.parametrize("case", CASES)
def test_second_run_offers_nothing_to_extract(case: str) -> None:
    text = expected(case)
    df = parse(text)
    project = DiskProject(GOLDEN / case)
    assert extract_builder_stage(df, None, project) is None
    for line in range(len(df.lines)):
        cursor = Span(Pos(line, 0), Pos(line, 0))
        assert extract_builder_stage(df, cursor, project) is None
        assert introduce_shared_base(df, cursor) is None


def test_the_stage_dropped_the_build_only_parts() -> None:
    """What each runtime no longer carries: the toolchain base and the build steps."""
    for case in CASES:
        df = parse(expected(case))
        runs = [df.source.text_at(i.span) for i in df.stages[1].instructions if i.kind == "RUN"]
        for run in runs:
            assert not re.search(r"\b(?:build|cargo|mvn|gradle|publish|cmake)\b", run), case


# -- titles from the catalog -----------------------------------------------------------


def _saved(before: str, after: str) -> str:
    from msb_lsp.refactor.ecosystems import size_of

    catalog = load_catalog()
    a, b = size_of(catalog, before), size_of(catalog, after)
    assert a is not None and b is not None and a > b
    return about(a - b)


@pytest.mark.parametrize(
    ("case", "before", "after"),
    [
        ("node-npm", "node:20", "node:20-alpine"),
        ("node-yarn", "node:22-bookworm", "node:22-bookworm-slim"),
        ("nextjs", "node:20", "node:20-alpine"),
        ("go", "golang:1.22", "scratch"),
        ("python", "python:3.12", "python:3.12-slim"),
        ("rust", "rust:1.80-bookworm", "debian:bookworm-slim"),
        ("java-maven", "maven:3-eclipse-temurin-21", "eclipse-temurin:21-jre"),
        ("java-gradle", "gradle:8-jdk21", "eclipse-temurin:21-jre"),
        ("dotnet", "mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/dotnet/aspnet:8.0"),
    ],
)
def test_title_quotes_the_catalog(case: str, before: str, after: str) -> None:
    title = extract(source(case), case).title
    assert title == (
        f"Extract builder stage: final base {before} to {after}, about {_saved(before, after)} less"
    )


def test_title_of_a_base_that_stays_and_of_a_guess() -> None:
    assert extract(source("node-pnpm"), "node-pnpm").title == (
        "Extract builder stage: final base stays node:20-slim"
    )
    assert extract(source("generic"), "generic").title == (
        "Extract builder stage: final base stays ubuntu:24.04 (copies all of /src: narrow it down)"
    )


def test_about_rounds_for_titles() -> None:
    assert about(349_787_367) == "350 MB"
    assert about(1_234_000_000) == "1.2 GB"
    assert about(45_400_000) == "45 MB"
    assert about(3_400_000) == "3.4 MB"


# -- style ------------------------------------------------------------------------------


def test_indentation_and_operator_first_continuations_are_kept() -> None:
    text = (
        "FROM node:20\n"
        "  WORKDIR /app\n"
        "  COPY . .\n"
        "  RUN npm ci \\\n"
        "        && npm run build\n"
        '  CMD ["node", "dist/index.js"]\n'
    )
    result = refactored(text)
    assert result == (
        "FROM node:20 AS builder\n"
        "  WORKDIR /app\n"
        "  COPY package*.json ./\n"
        "  RUN npm ci\n"
        "  COPY . .\n"
        "  RUN npm run build\n"
        "\n"
        "FROM node:20-alpine\n"
        "  WORKDIR /app\n"
        "  COPY package*.json ./\n"
        "  RUN npm ci --omit=dev \\\n"
        "        && npm cache clean --force\n"
        "  COPY --from=builder /app/dist ./dist\n"
        "  USER node\n"
        '  CMD ["node", "dist/index.js"]\n'
    )


def test_operator_last_continuations_and_backtick_escape_are_kept() -> None:
    text = (
        "# escape=`\n"
        "FROM node:20\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN npm ci && `\n"
        "  npm run build\n"
        'CMD ["node", "dist/index.js"]\n'
    )
    result = refactored(text)
    assert "RUN npm ci --omit=dev && `\n  npm cache clean --force\n" in result
    assert "RUN npm ci\nCOPY . .\nRUN npm run build\n" in result


def test_as_casing_of_the_file_is_kept() -> None:
    text = 'FROM node:20 as app\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/a.js"]\n'
    result = refactored(text)
    assert result.startswith("FROM node:20 as builder\n")
    assert "\nFROM node:20-alpine as app\n" in result  # the name stays on the shipped stage


def test_a_build_named_stage_keeps_its_name_on_the_builder() -> None:
    text = (
        'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n'
    )
    result = refactored(text)
    assert result.startswith("FROM golang:1.22 AS build\n")
    assert "FROM scratch AS runtime\n" in result
    assert "COPY --from=build /app /app\n" in result


def test_platform_flag_and_byte_order_mark_are_kept() -> None:
    text = '\ufeffFROM --platform=$BUILDPLATFORM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n'
    result = refactored(text)
    assert result.startswith("\ufeffFROM --platform=$BUILDPLATFORM golang:1.22 AS builder\n")
    assert "\nFROM --platform=$BUILDPLATFORM scratch\n" in result


# -- when it is not offered ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # already multi-stage
        'FROM golang:1.22 AS b\nRUN go build -o /a .\nFROM scratch\nCOPY --from=b /a /a\nCMD ["/a"]\n',
        # an image meant to be built upon (no command of its own)
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n",
        # nothing is built
        'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n',
        # a base chosen at build time
        'ARG IMAGE\nFROM $IMAGE\nRUN make\nCMD ["./a"]\n',
        'FROM scratch\nCOPY a /a\nCMD ["/a"]\n',
        # a syntax error
        'FROM node:20\nRUN <<EOF\nnpm run build\nCMD ["node", "a.js"]\n',
    ],
)
def test_not_offered(text: str) -> None:
    assert extract_builder_stage(parse(text)) is None


# -- ecosystems without project files --------------------------------------------------------


def _runtime(text: str) -> str:
    df = parse(text)
    return "\n".join(df.lines[df.stages[-1].from_.start_line :])


def test_node_output_folder_from_the_build_command_and_the_command() -> None:
    outdir = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npx tsc --outDir out\nCMD ["node", "server.js"]\n'
    assert "COPY --from=builder /app/out ./out" in refactored(outdir)
    by_cmd = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "lib/cli.js"]\n'
    assert "COPY --from=builder /app/lib ./lib" in refactored(by_cmd)
    fallback = (
        'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["npm", "start"]\n'
    )
    assert "COPY --from=builder /app/dist ./dist" in refactored(fallback)


def test_node_install_flags_are_kept_for_production() -> None:
    text = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install --legacy-peer-deps\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/a.js"]\n'
    assert "RUN npm install --legacy-peer-deps --omit=dev && npm cache clean --force" in _runtime(
        refactored(text)
    )


def test_nextjs_without_project_files_is_recognised_from_the_dockerfile() -> None:
    text = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nEXPOSE 8080\nCMD ["npx", "next", "start", "-p", "8080"]\n'
    runtime = _runtime(refactored(text))
    assert "COPY --chown=node:node --from=builder /app/.next/standalone ./" in runtime
    assert 'ENV HOSTNAME="0.0.0.0" PORT=8080' in runtime
    assert runtime.endswith('CMD ["node", "server.js"]\n') or 'CMD ["node", "server.js"]' in runtime
    assert "next start" not in runtime


def test_go_adds_output_and_cgo_and_converts_a_plain_shell_command() -> None:
    text = (
        "FROM golang:1.22-alpine\nWORKDIR /src\nCOPY . .\nRUN go build .\nCMD ./app --port 8080\n"
    )
    result = refactored(text)
    assert "RUN CGO_ENABLED=0 go build -o ./app .\n" in result
    runtime = _runtime(result)
    assert runtime.startswith("FROM scratch\n")
    assert "COPY --from=builder /src/app ./app\n" in runtime
    assert 'CMD ["./app", "--port", "8080"]' in runtime
    assert "USER 65534:65534" in runtime


def test_go_downloads_modules_where_the_manifests_go() -> None:
    text = "FROM golang:1.22\nCOPY . /go/src/app\nWORKDIR /go/src/app\nRUN go install ./cmd/api\nCMD api\n"
    result = refactored(text)
    assert result.startswith(
        "FROM golang:1.22 AS builder\n"
        "COPY go.mod go.sum /go/src/app/\n"
        "RUN cd /go/src/app && go mod download\n"
        "COPY . /go/src/app\n"
    )
    runtime = _runtime(result)
    assert "COPY --from=builder /go/bin/api /usr/local/bin/api\n" in runtime
    assert 'CMD ["api"]' in runtime


def test_go_with_a_shell_command_or_healthcheck_runs_on_alpine() -> None:
    text = 'FROM golang:1.22-alpine3.19\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\nHEALTHCHECK CMD wget -qO- localhost:8080 || exit 1\nCMD ["/app"]\n'
    runtime = _runtime(refactored(text))
    assert runtime.startswith("FROM alpine:3.19\n")
    assert "USER nobody" in runtime


def test_go_with_cgo_runs_on_the_builders_debian() -> None:
    text = 'FROM golang:1.26-bookworm\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=1 go build -o /app .\nCMD ["/app"]\n'
    result = refactored(text)
    assert "CGO_ENABLED=1 go build -o /app ." in result
    assert _runtime(result).startswith("FROM debian:bookworm-slim\n")


def test_python_keeps_an_existing_virtual_environment() -> None:
    text = 'FROM python:3.12\nWORKDIR /app\nRUN python -m venv .venv\nENV PATH="/app/.venv/bin:$PATH"\nCOPY . .\nRUN pip install .\nCMD ["python", "-m", "app"]\n'
    result = refactored(text)
    assert "/opt/venv" not in result
    runtime = _runtime(result)
    assert "COPY --from=builder /app/.venv /app/.venv" in runtime
    assert 'ENV PATH="/app/.venv/bin:$PATH"' in runtime


def test_python_copies_the_workdir_when_later_steps_write_files() -> None:
    text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN python manage.py collectstatic --noinput\nCMD ["gunicorn", "site.wsgi"]\n'
    result = refactored(text)
    assert "COPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n" in result
    assert "COPY --from=builder /app /app" in _runtime(result)


def test_rust_gets_release_and_the_name_from_the_command() -> None:
    text = 'FROM rust:1-alpine\nWORKDIR /src\nCOPY . .\nRUN cargo build\nCMD ["./target/release/api"]\n'
    result = refactored(text)
    assert "RUN cargo build --release\n" in result
    runtime = _runtime(result)
    assert runtime.startswith("FROM scratch\n")
    assert "COPY --from=builder /src/target/release/api ./target/release/api" in runtime


def test_java_glob_jar_is_copied_into_its_folder() -> None:
    text = "FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ./mvnw package\nCMD java -jar target/*.jar\n"
    runtime = _runtime(refactored(text))
    assert runtime.startswith("FROM eclipse-temurin:21-jre\n")
    assert "COPY --from=builder /app/target/*.jar ./target/\n" in runtime


def test_dotnet_console_project_runs_on_the_runtime_image(tmp_path: Path) -> None:
    (tmp_path / "Tool.csproj").write_text('<Project Sdk="Microsoft.NET.Sdk"></Project>\n')
    text = 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o out\nCMD ["dotnet", "out/Tool.dll"]\n'
    found = extract_builder_stage(parse(text), None, DiskProject(tmp_path))
    assert found is not None
    runtime = _runtime(apply_edits(text, found.edits))
    assert runtime.startswith("FROM mcr.microsoft.com/dotnet/runtime:8.0\n")
    assert "COPY --from=builder /src/out ./\n" in runtime
    assert 'ENTRYPOINT ["dotnet", "Tool.dll"]' in runtime
    assert "CMD" not in runtime


# -- a selection -------------------------------------------------------------------------


def _lines(text: str, first: int, last: int) -> Span:
    return Span(Pos(first, 0), Pos(last + 1, 0))


def test_selection_moves_a_build_into_a_new_stage() -> None:
    text = (
        "FROM node:20-alpine AS web\n"
        "WORKDIR /app\n"
        "COPY package*.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npm run build\n"
        'CMD ["node", "dist/main.js"]\n'
        "\n"
        "FROM alpine:3.19\n"
        "COPY --from=0 /app/dist /srv\n"
    )
    found = extract(text, selection=_lines(text, 4, 5))
    assert found.title == "Extract builder stage: move the selected instructions to stage 'builder'"
    result = apply_edits(text, found.edits)
    assert result == (
        "FROM node:20-alpine AS builder\n"
        "WORKDIR /app\n"
        "COPY package*.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npm run build\n"
        "\n"
        "FROM node:20-alpine AS web\n"
        "WORKDIR /app\n"
        "COPY package*.json ./\n"
        "RUN npm ci\n"
        "COPY --from=builder /app/dist ./dist\n"
        'CMD ["node", "dist/main.js"]\n'
        "\n"
        "FROM alpine:3.19\n"
        "COPY --from=1 /app/dist /srv\n"
    )
    assert error_codes(result) == set()


def test_selection_without_a_known_output_asks_or_copies_the_workdir() -> None:
    text = 'FROM debian:bookworm\nWORKDIR /opt/tool\nCOPY . .\nRUN ./configure && make\nRUN rm -rf docs\nCMD ["./tool"]\n'
    found = extract(text, selection=_lines(text, 3, 3))
    assert found.title.endswith("(copies all of /opt/tool: narrow it down)")
    plain = apply_edits(text, found.edits)
    assert "# TODO: copy only what the runtime needs from the builder\n" in plain
    assert "COPY --from=builder /opt/tool .\n" in plain
    assert found.snippet_edits is not None
    assert found.snippet_title == (
        "Extract builder stage: move the selected instructions to stage 'builder' "
        "(choose what to copy back)"
    )
    snippet = "".join(e.text for e in found.snippet_edits)
    assert "COPY --from=builder ${1:/opt/tool} ${2:.}" in snippet
    assert "\\$" not in plain


def test_snippet_text_escapes_dollars_and_braces() -> None:
    text = 'FROM gcc:14\nWORKDIR /src\nENV OUT=${HOME}\nCOPY . .\nRUN make\nCMD ["make", "run"]\n'
    found = extract(text)
    assert found.snippet_edits is not None
    snippet = "".join(e.text for e in found.snippet_edits)
    assert "ENV OUT=\\${HOME\\}" in snippet
    assert "${1:/src}" in snippet
    assert found.snippet_title == (
        "Extract builder stage: final base gcc:14 to debian:trixie-slim, about "
        f"{_saved('gcc:14', 'debian:trixie-slim')} less (choose what the runtime copies)"
    )


def test_a_selection_of_the_whole_single_stage_is_the_whole_refactoring() -> None:
    text = source("go")
    whole = extract(text, "go")
    selected = extract(text, "go", selection=_lines(text, 1, 5))
    assert selected.edits == whole.edits


# -- real-world Dockerfiles (../shared/corpus, when present) ---------------------------------


def _corpus() -> list[str]:
    from tests.support.paths import SHARED

    if SHARED is None:
        return []
    return sorted(p.name for p in (SHARED / "corpus").iterdir() if p.name != "MANIFEST.tsv")


@pytest.mark.parametrize("name", _corpus())
def test_corpus_refactorings_keep_files_valid(name: str, shared_dir: Path) -> None:
    """Every refactoring on offer leaves a file that parses, gains no error finding, and
    a split file offers no second split."""
    from msb_lsp.cli.files import InputError, read_dockerfile
    from msb_lsp.refactor.extract import split_single_stage
    from msb_lsp.refactor.name_stage import name_stage
    from msb_lsp.refactor.targets import add_targets

    try:
        text = read_dockerfile(shared_dir / "corpus" / name)
    except InputError:
        pytest.skip("not a text Dockerfile")
    df = parse(text)
    offered: list[Refactoring] = []
    for found in (split_single_stage(df), add_targets(df)):
        if found is not None:
            offered.append(found)
    for stage in df.stages:
        line = Span(Pos(stage.from_.start_line, 0), Pos(stage.from_.start_line, 0))
        offered += [r for r in (introduce_shared_base(df, line), name_stage(df, line)) if r]
        body = stage.instructions[1:]
        if len(body) >= 3:
            selection = Span(Pos(body[1].start_line, 0), Pos(body[-1].end_line + 1, 0))
            found = extract_builder_stage(df, selection)
            if found is not None:
                offered.append(found)
    if not offered:
        return
    before = _fast_error_codes(df)
    for found in offered:
        after = parse(apply_edits(text, found.edits))
        assert after.problems == [] or df.problems, found.title
        assert _fast_error_codes(after) <= before, found.title
        if found.title.startswith("Extract builder stage: final base"):
            assert split_single_stage(after) is None


def _fast_error_codes(df: Dockerfile) -> set[str]:
    """`error_codes` with only the rules whose findings are errors by default."""
    from msb_lsp.engine.lint import LintConfig
    from msb_lsp.rules import all_rules

    select = tuple(r.code for r in all_rules() if r.severity is Severity.ERROR)
    return {f.code for f in lint(df, LintConfig(select=select))}


def test_the_refactoring_engine_imports_no_lsp_library() -> None:
    import subprocess
    import sys

    from tests.support.paths import ROOT

    probe = (
        "import sys, msb_lsp.refactor.extract, msb_lsp.refactor.targets,"
        " msb_lsp.refactor.shared_base, msb_lsp.refactor.name_stage,"
        " msb_lsp.refactor.ecosystems.generic, msb_lsp.refactor.ecosystems.nextjs;"
        " print('\\n'.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = set(result.stdout.split())
    assert "msb_lsp.refactor.extract" in modules
    assert not {m for m in modules if m.split(".")[0] in {"pygls", "lsprotocol"}}
