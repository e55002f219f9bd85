"""Properties of fixes over generated Dockerfiles built from fragments that trigger many
rules (stage typos and mixed case, legacy ENV, MAINTAINER, npm/apt/apk/pip leftovers, stage
indexes, go builds into scratch, toolchain final stages, ...):

- applying any quick fix on offer (each rule fix and each "ignore" edit of each finding)
  never brings a parse problem that was not there before;
- fix-all reaches a fixpoint and lints no worse than the file it started from.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model import parse
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.refactor.quickfix import fix_all, fixable, quick_fixes
from msb_lsp.rules.base import Finding

CONFIG = LintConfig()

NAMES = ["build", "Builder", "deps", "web", "base"]
IMAGES = [
    "golang:1.22",
    "golang:1.22-alpine",
    "node:20",
    "node:20-alpine",
    "python:3.12",
    "ruby:3.3",
    "alpine:3.19",
    "alpine",
    "ubuntu:22.04",
    "scratch",
    "eclipse-temurin:21-jdk",
    "gcr.io/distroless/static-debian12",
]
BODY = [
    "MAINTAINER me@example.org",
    'MAINTAINER "Jane $USER"',
    "ENV APP_HOME /app",
    "ENV A=1 B=2",
    "LABEL version 1.0",
    "RUN npm ci --only=production",
    "RUN npm install --production",
    "RUN apt-get update && apt-get install -y curl",
    "RUN apt-get update \\\n    && apt-get install -y \\\n       git",
    "RUN apk add curl",
    "RUN apk add --virtual .deps gcc && apk del .deps",
    "RUN pip install flask",
    "RUN pip3 install -r requirements.txt",
    "RUN go build -o /app .",
    "RUN CGO_ENABLED=0 go build -o /app .",
    "COPY . .",
    "COPY --from=0 /app /app",
    "COPY --from={ref} /out /out",
    "RUN --mount=type=cache,from={ref},target=/cache true",
    "run echo lower",
    "Run echo mixed",
    "USER root",
    "USER app",
    'CMD ["/app"]',
    "CMD app --serve",
    'ENTRYPOINT ["node", "server.js"]',
    "EXPOSE 53/UDP",
    "EXPOSE 8080:80",
    "WORKDIR app",
    "ARG NPM_TOKEN",
    "ONBUILD RUN apk add curl",
    "RUN echo one \\\n\n    two",
    "RUN <<EOF\napk add curl\nEOF",
    "# check=skip=MaintainerDeprecated\nMAINTAINER skipped",
    "# msb-lsp: ignore=apk-add-without-no-cache\nRUN apk add ignored",
    "# hadolint ignore=DL3018\nRUN apk add hadolint-ignored",
]
TOP = ["", "# syntax=docker/dockerfile:1\n", "# check=error=true\n", "# escape=`\n"]


def _typo(name: str) -> st.SearchStrategy[str]:
    """A reference to a stage as users get it wrong: exact, other case, a letter off."""
    options = [name, name.upper(), name.capitalize(), name[:-1], name + "x"]
    if len(name) > 2:
        options.append(name[0] + name[2] + name[1] + name[3:])
    return st.sampled_from(options)


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    indent = draw(st.sampled_from(["", "  ", "\t"]))
    from_kw = draw(st.sampled_from(["FROM", "from", "From"]))
    lines: list[str] = []
    names: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        image = draw(st.sampled_from(IMAGES + [n for n in names]))
        if names and draw(st.booleans()):
            image = draw(_typo(draw(st.sampled_from(names))))
        line = f"{from_kw} {image}"
        if draw(st.booleans()):
            name = draw(st.sampled_from(NAMES))
            as_kw = draw(st.sampled_from(["AS", "as"]))
            line += f" {as_kw} {name}"
            names.append(name.lower())
        lines.append(line)
        for fragment in draw(st.lists(st.sampled_from(BODY), max_size=5)):
            if "{ref}" in fragment:
                target = draw(st.sampled_from(names)) if names else "build"
                fragment = fragment.replace("{ref}", draw(_typo(target)))
            lines.extend(indent + part if part else part for part in fragment.split("\n"))
    top = draw(st.sampled_from(TOP))
    bom = "\ufeff" if draw(st.booleans()) else ""
    end = eol if draw(st.booleans()) else ""
    return bom + top.replace("\n", eol) + eol.join(lines) + end


def problems(text: str) -> Counter[str]:
    return Counter(p.code for p in parse(text).problems)


def lint_text(text: str) -> list[Finding]:
    return lint(parse(text), CONFIG)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_no_quick_fix_brings_a_parse_problem(text: str) -> None:
    df = parse(text)
    before = problems(text)
    for finding in lint_text(text):
        for fix in quick_fixes(df, finding):
            out = apply_edits(text, fix.edits)
            new = problems(out) - before
            assert not new, (finding.code, fix.title, out, new)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_fix_all_reaches_a_fixpoint_and_lints_no_worse(text: str) -> None:
    result = fix_all(text, lint_text)
    assert result.converged
    assert not fixable(lint_text(result.text))  # nothing safe left to do
    assert fix_all(result.text, lint_text).text == result.text  # idempotent
    assert not problems(result.text) - problems(text)
    # No worse: fewer findings at the most severe level where the counts differ. Fixing an
    # error may uncover warnings it hid (a stage reference that now resolves brings the final
    # image's checks into play), so the comparison is per severity, most severe first.
    before, after = severities(lint_text(text)), severities(lint_text(result.text))
    if result.applied:
        assert after < before, (before, after, result.text)
    else:
        assert after == before


def severities(found: list[Finding]) -> tuple[int, ...]:
    """Finding counts per severity, errors first."""
    counts = Counter(f.severity.rank for f in found)
    return tuple(counts[rank] for rank in (1, 2, 3, 4))
