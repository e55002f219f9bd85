"""Deterministic Dockerfiles for the LSP benchmark, with the positions the scenarios probe.

Four samples, the same on every run and every machine (no randomness):

- `seed`   a multi-stage Node.js file of the kind the project's tutorial starts from (~20 lines)
- `small`  a two-stage Go build with a cache mount (~15 lines)
- `medium` ~200 lines, 6 stages
- `large`  ~3000 lines, 40 stages

`medium` and `large` are built from the same stage generator: named and unnamed stages, stages
built on earlier stages, `COPY --from=` by name and by index, `RUN --mount=type=cache,...,from=`
and `--mount=type=bind,from=`, heredocs (`RUN <<EOF`, `COPY <<EOF /x`), backslash continuations
with comments and blank lines inside, ARG/ENV/LABEL, and a few non-ASCII characters (including
one outside the BMP) in comments and labels. Each file also has a few deliberate findings (a
lowercase instruction, `MAINTAINER`, legacy `ENV key value`, `as` in lowercase) so that code
actions have diagnostics to work on.

Every sample records where things are (0-based line, UTF-16 column, as in LSP), so scenarios need
no hand-kept coordinates; see `Sample.positions` and the `POS_*` keys.

    python -m benchmarks.gen_dockerfiles --out DIR     # write the files (and positions.json)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSON = Any

#: Right after `COPY --from=` (completion is asked for here).
POS_COMPLETE_FROM = "complete_from"
#: Inside the value of that `--from=` (definition starts here).
POS_FROM_VALUE = "from_value"
#: Inside an image name of a `FROM` (hover).
POS_FROM_IMAGE = "from_image"
#: Inside a stage name after `AS` (hover); the stage that `from_value` refers to.
POS_STAGE_NAME = "stage_name"
#: Just after the last character of that stage name (typing a character there is an edit).
POS_STAGE_NAME_END = "stage_name_end"
#: Inside a `$VAR` / `${VAR}` reference (hover).
POS_VARIABLE = "variable"
#: Start of a line between instructions, where inserting a comment line changes nothing else.
POS_EDIT_LINE = "edit_line"
#: Where definition from `from_value` should land (the stage name's start).
POS_DEFINITION_TARGET = "definition_target"

ALL_POSITIONS = (
    POS_COMPLETE_FROM,
    POS_FROM_VALUE,
    POS_FROM_IMAGE,
    POS_STAGE_NAME,
    POS_STAGE_NAME_END,
    POS_VARIABLE,
    POS_EDIT_LINE,
    POS_DEFINITION_TARGET,
)


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (LSP's default column unit)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Pos:
    """A 0-based LSP position; `character` counts UTF-16 code units."""

    line: int
    character: int

    def lsp(self) -> dict[str, int]:
        return {"line": self.line, "character": self.character}

    def __str__(self) -> str:
        return f"{self.line}:{self.character}"


@dataclass
class Sample:
    """One generated Dockerfile and what is where in it."""

    name: str
    text: str
    positions: dict[str, Pos]
    #: Stage names in order; None for an unnamed stage.
    stages: list[str | None]
    #: Lines with a deliberate finding, best candidate for a code action first.
    action_lines: list[int] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """The lines as LSP counts them (the generator writes only `\\n`)."""
        return self.text.split("\n")[:-1] if self.text.endswith("\n") else self.text.split("\n")

    @property
    def line_count(self) -> int:
        return len(self.lines)

    def line_range(self, line: int) -> dict[str, JSON]:
        """The LSP range of a whole line (without its line break)."""
        end = utf16_len(self.lines[line])
        return {"start": {"line": line, "character": 0}, "end": {"line": line, "character": end}}

    def describe(self) -> dict[str, JSON]:
        return {
            "name": self.name,
            "lines": self.line_count,
            "bytes": len(self.text.encode()),
            "stages": len(self.stages),
            "named_stages": sum(1 for s in self.stages if s),
            "positions": {key: str(pos) for key, pos in self.positions.items()},
            "action_lines": self.action_lines,
        }


class _Writer:
    """Accumulates lines and remembers marked positions."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.out: list[str] = []
        self.positions: dict[str, Pos] = {}
        self.stages: list[str | None] = []
        self.action_lines: list[int] = []

    def add(self, *lines: str) -> int:
        """Append lines; returns the index of the first."""
        first = len(self.out)
        self.out.extend(lines)
        return first

    @property
    def last(self) -> int:
        return len(self.out) - 1

    def mark(self, key: str, needle: str, offset: int = 0, line: int | None = None) -> Pos:
        """Mark the position `offset` characters into the first `needle` on `line` (default:
        the last line written)."""
        index = self.last if line is None else line
        text = self.out[index]
        col = text.index(needle) + offset
        pos = Pos(index, utf16_len(text[:col]))
        self.positions[key] = pos
        return pos

    def from_line(self, base: str, name: str | None, *, as_kw: str = "AS", flags: str = "") -> int:
        """A FROM line; registers the stage."""
        head = f"FROM {flags} " if flags else "FROM "
        self.stages.append(name)
        return self.add(head + base + (f" {as_kw} {name}" if name else ""))

    def sample(self) -> Sample:
        return Sample(
            name=self.name,
            text="\n".join(self.out) + "\n",
            positions=dict(self.positions),
            stages=list(self.stages),
            action_lines=list(self.action_lines),
        )


def _mark_stage(w: _Writer, line: int, name: str) -> None:
    w.mark(POS_STAGE_NAME, f" {name}", 2, line)
    w.mark(POS_DEFINITION_TARGET, f" {name}", 1, line)
    w.mark(POS_STAGE_NAME_END, f" {name}", 1 + len(name), line)


def _mark_copy_from(w: _Writer, value: str) -> None:
    w.mark(POS_COMPLETE_FROM, "--from=", len("--from="))
    w.mark(POS_FROM_VALUE, "--from=" + value, len("--from=") + 1)


# -- small, hand-shaped samples ---------------------------------------------------------------


def seed_node() -> Sample:
    """A multi-stage Node.js build: dependencies, build, slim runtime (~20 lines)."""
    w = _Writer("seed")
    w.add("# syntax=docker/dockerfile:1", "ARG NODE_VERSION=20")
    deps = w.from_line("node:${NODE_VERSION}-alpine", "deps")
    w.mark(POS_VARIABLE, "NODE_VERSION}", 1)
    _mark_stage(w, deps, "deps")
    w.add("WORKDIR /app", "COPY package.json package-lock.json ./", "RUN npm ci", "")
    w.positions[POS_EDIT_LINE] = Pos(w.last + 1, 0)
    w.from_line("deps", "build")
    w.add("COPY . .", "RUN npm run build && npm prune --omit=dev", "")
    w.from_line("node:20-alpine", "runtime")
    w.mark(POS_FROM_IMAGE, "node:", 1)
    w.action_lines.append(w.add("ENV NODE_ENV production"))
    w.add("WORKDIR /app")
    w.add("COPY --from=deps /app/node_modules ./node_modules")
    _mark_copy_from(w, "deps")
    w.add(
        "COPY --from=build /app/dist ./dist",
        "USER node",
        "EXPOSE 3000",
        'CMD ["node", "dist/server.js"]',
    )
    return w.sample()


def small() -> Sample:
    """A two-stage Go build into a small Alpine runtime (~15 lines)."""
    w = _Writer("small")
    w.add("# syntax=docker/dockerfile:1", "ARG GO_VERSION=1.22")
    build = w.from_line("golang:${GO_VERSION}-alpine", "build")
    w.mark(POS_VARIABLE, "GO_VERSION}", 1)
    _mark_stage(w, build, "build")
    w.action_lines.append(w.add("workdir /src"))
    w.add(
        "COPY go.mod go.sum ./",
        "RUN --mount=type=cache,target=/go/pkg/mod go mod download",
        "COPY . .",
        "RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app",
    )
    w.add("")
    w.positions[POS_EDIT_LINE] = Pos(w.last + 1, 0)
    w.from_line("alpine:3.20", None)
    w.mark(POS_FROM_IMAGE, "alpine", 2)
    w.add("# Größe zählt: nur die Binärdatei — klein ✓", "RUN apk add --no-cache ca-certificates")
    w.add("COPY --from=build /out/app /usr/local/bin/app")
    _mark_copy_from(w, "build")
    w.add("USER 65532:65532", 'ENTRYPOINT ["app"]')
    return w.sample()


# -- the stage generator behind medium and large ------------------------------------------------

_BASES = (
    ("node", "node:20-alpine", "web"),
    ("go", "golang:1.22-bookworm", "gobuild"),
    ("python", "python:3.12-slim", "py"),
    ("derived", "", "test"),
    ("tools", "debian:${DEBIAN_VERSION}-slim", "tools"),
    ("cross", "golang:1.22-alpine", "cross"),
    ("rust", "rust:1.79-slim", "rs"),
)

_COMMENTS = (
    "# Abhängigkeiten zuerst, damit der Cache greift — stage {i}",
    "# Étape {i}: compiler puis copier le résultat",
    "# 段階 {i}: only what the next stage needs",
    "# Stage {i}: keep this layer small ✓",
)


class _StageGen:
    def __init__(self, w: _Writer) -> None:
        self.w = w

    def ref(self, i: int, k: int, *, named: bool = False) -> str | None:
        """An earlier stage to refer to from stage i: its name, or its index if unnamed
        (`named`: only named stages, as mounts need)."""
        if i == 0:
            return None
        j = (i * 7 + k * 3) % i
        name = self.w.stages[j]
        if name:
            return name
        return self.named_before(j) if named else str(j)

    def named_before(self, i: int) -> str | None:
        for j in range(i - 1, -1, -1):
            if self.w.stages[j]:
                return self.w.stages[j]
        return None

    # Each chunk appends a few lines and ends between instructions.
    def chunk(self, i: int, k: int) -> None:
        w = self.w
        kind = (i + k) % 10
        app = f"/srv/app-{i:02d}"
        if kind == 0:
            w.add(
                f"ARG APP_VERSION=1.{i}.{k}",
                f"ENV APP_HOME={app} \\",
                f'    PATH="{app}/bin:$PATH"',
            )
        elif kind == 1:
            w.add(
                f'LABEL org.opencontainers.image.title="stage-{i:02d}" \\',
                f'      org.opencontainers.image.description="Übersetzung – Schritt {i} 🐳" \\',
                f'      org.opencontainers.image.version="1.{i}.{k}"',
            )
        elif kind == 2:
            w.add(
                "RUN set -eux; \\",
                "    # refresh the package index first",
                "    apt-get update; \\",
                "    apt-get install -y --no-install-recommends \\",
                "        ca-certificates \\",
                "        curl \\",
                "",
                "        git; \\",
                "    # and clean up in the same layer",
                "    rm -rf /var/lib/apt/lists/*",
            )
        elif kind == 3:
            w.add(
                "RUN <<EOF",
                "set -e",
                f'echo "building stage {i}, step {k}"',
                f"mkdir -p /out/{i:02d}/{k}",
                f"date -u > /out/{i:02d}/{k}/built-at",
                "EOF",
            )
        elif kind == 4:
            w.add(
                f"COPY <<EOF {app}/config/step-{k}.conf",
                f"name=stage-{i:02d}",
                "log_level=info",
                f"workers={1 + (i + k) % 8}",
                "EOF",
            )
        elif kind == 5:
            ref = self.ref(i, k, named=True)
            source = f",from={ref},source=/root/.cache" if ref else ""
            w.add(
                f"RUN --mount=type=cache,id=cache-{i:02d},target=/root/.cache{source} \\",
                "    --mount=type=bind,source=scripts,target=/scripts \\",
                f"    /scripts/build.sh --stage {i} --step {k}",
            )
        elif kind == 6:
            ref = self.ref(i, k)
            if ref is None:
                w.add(f"COPY scripts/ {app}/scripts/")
            else:
                w.add(f"COPY --from={ref} /out/ {app}/from-{ref}/")
        elif kind == 7:
            w.add(_COMMENTS[(i + k) % len(_COMMENTS)].format(i=i))
        elif kind == 8:
            w.add(f"WORKDIR {app}", f"COPY src/{i:02d}/ ./src/", f"EXPOSE {8000 + i}")
        else:
            ref = self.ref(i, k, named=True)
            if ref is None:
                w.add(f'RUN echo "stage {i}" > /etc/stage')
            else:
                w.add(
                    f"RUN --mount=type=bind,from={ref},source=/out,target=/mnt/in \\",
                    f"    cp -r /mnt/in {app}/vendor-{k}",
                )

    def stage(self, i: int, budget: int, *, unnamed: bool) -> None:
        w = self.w
        kind, image, prefix = _BASES[i % len(_BASES)]
        name = None if unnamed else f"{prefix}-{i:02d}"
        start = len(w.out)
        if kind == "derived":
            image = self.named_before(i) or "alpine:3.20"
        flags = "--platform=$BUILDPLATFORM" if kind == "cross" else ""
        as_kw = "as" if kind == "rust" and i % 14 == 6 else "AS"
        line = w.from_line(image, name, as_kw=as_kw, flags=flags)
        if as_kw == "as":
            w.action_lines.append(line)
        k = 0
        while len(w.out) - start < budget - 1:
            self.chunk(i, k)
            k += 1
        w.add("")


def _stage_file(name: str, n_stages: int, target_lines: int) -> Sample:
    w = _Writer(name)
    gen = _StageGen(w)
    w.add(
        "# syntax=docker/dockerfile:1.7",
        f"# Generated by benchmarks/gen_dockerfiles.py ({name}); größe ≈ {target_lines} Zeilen",
        "ARG DEBIAN_VERSION=bookworm",
        "ARG NODE_VERSION=20",
        "",
    )
    final_lines = 24
    body = target_lines - len(w.out) - final_lines
    middle = (n_stages - 1) // 2
    if n_stages > 3 and middle % 5 == 3:  # the middle stage must be named: it is the target
        middle += 1
    for i in range(n_stages - 1):
        budget = body // (n_stages - 1 - i)
        before = len(w.out)
        if i == middle:
            w.positions[POS_EDIT_LINE] = Pos(len(w.out), 0)
        gen.stage(i, budget, unnamed=(i % 5 == 3 and i != middle))
        if i == middle:
            target = w.stages[i]
            assert target is not None
            _mark_stage(w, before, target)
            # deliberate findings in the middle of the file
            w.out.pop()  # the blank line after the stage
            w.action_lines.insert(0, w.add("workdir /srv/legacy"))
            w.action_lines.append(w.add('MAINTAINER "Build Team <build@example.com>"'))
            w.action_lines.append(w.add("ENV LEGACY_MODE on"))
            w.add("")
        body -= len(w.out) - before
    target = w.stages[middle]
    assert target is not None
    # the final stage pulls the results together
    w.from_line("node:${NODE_VERSION}-alpine", "runtime")
    w.add("ARG APP_USER=node")
    w.add(
        "ENV NODE_ENV=production \\",
        "    APP_HOME=/srv/app",
    )
    w.add("WORKDIR ${APP_HOME}")
    w.mark(POS_VARIABLE, "APP_HOME}", 1)
    w.add(f"COPY --from={target} /out/ ./vendor/")
    _mark_copy_from(w, target)
    for j in range(0, n_stages - 1, max(1, (n_stages - 1) // 6)):
        ref = w.stages[j] or str(j)
        w.add(f"COPY --from={ref} /out/ ./parts/{j:02d}/")
    w.add(
        "RUN --mount=type=cache,target=/root/.npm \\",
        "    npm ci --omit=dev && \\",
        "    npm cache clean --force",
        'LABEL org.opencontainers.image.authors="Zoë Ångström"',
        "USER ${APP_USER}",
        "EXPOSE 8080",
        "HEALTHCHECK --interval=30s --timeout=3s \\",
        "    CMD wget -qO- http://localhost:8080/healthz || exit 1",
        'CMD ["node", "server.js"]',
    )
    # a FROM with a literal image for the image hover: the last node stage
    for index in range(len(w.out) - 1, -1, -1):
        if w.out[index].startswith("FROM node:20-alpine"):
            w.mark(POS_FROM_IMAGE, "node:", 1, index)
            break
    return w.sample()


def medium() -> Sample:
    """About 200 lines in 6 stages."""
    return _stage_file("medium", 6, 200)


def large() -> Sample:
    """About 3000 lines in 40 stages."""
    return _stage_file("large", 40, 3000)


GENERATORS: dict[str, Callable[[], Sample]] = {
    "seed": seed_node,
    "small": small,
    "medium": medium,
    "large": large,
}


def generate(name: str) -> Sample:
    """The sample called `name` (one of GENERATORS)."""
    try:
        return GENERATORS[name]()
    except KeyError:
        raise ValueError(f"unknown sample {name!r}; choose from {', '.join(GENERATORS)}") from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write the benchmark's generated Dockerfiles.")
    ap.add_argument("--out", required=True, help="folder to write NAME.dockerfile files into")
    ap.add_argument("names", nargs="*", default=list(GENERATORS), help="samples (default: all)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    index = {}
    for name in args.names:
        sample = generate(name)
        (out / f"{name}.dockerfile").write_text(sample.text, encoding="utf-8")
        index[name] = sample.describe()
        print(f"{name}: {sample.line_count} lines, {len(sample.stages)} stages", file=sys.stderr)
    (out / "positions.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
