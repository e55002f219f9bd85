"""What "Extract builder stage" knows about a stage, shared by the per-ecosystem modules.

`StageContext` reads one stage: its instructions with the comment and blank lines above
each (`Chunk`), the working directory each instruction runs in, the commands of every RUN,
the base image and the project files next to the Dockerfile (`Project`, read only when the
document is a file). An ecosystem module turns it into a `Plan`: the builder stage's items
(original instructions, possibly rewritten, and generated ones), the runtime base image,
and the runtime steps that copy the build's result. `extract.py` assembles the text.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from msb_lsp.images.catalog import Catalog, load_catalog
from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import CopyInstruction, Instruction, KeyValueInstruction
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import Stage
from msb_lsp.model.variables import expand_global
from msb_lsp.refactor.style import Style
from msb_lsp.rules._shell import Command, script
from msb_lsp.rules.base import Edit

WHOLE_CONTEXT = frozenset({".", "./", "./."})
# Instructions that describe the image that runs, not the build.
RUNTIME_ONLY = frozenset(
    {"EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "ENTRYPOINT", "CMD", "LABEL", "MAINTAINER"}
)
TAIL = frozenset({"EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "ENTRYPOINT", "CMD", "USER"})


# -- project files -------------------------------------------------------------------------


class Project:
    """The files next to the Dockerfile. The base class knows nothing (an unsaved document):
    `read` gives None and `exists` None, meaning "unknown", never "missing"."""

    def read(self, relpath: str) -> str | None:
        return None

    def exists(self, relpath: str) -> bool | None:
        return None

    def glob(self, pattern: str) -> list[str] | None:
        return None

    def json(self, relpath: str) -> dict[str, object] | None:
        text = self.read(relpath)
        if text is None:
            return None
        try:
            value = json.loads(_strip_json_comments(text))
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


class DiskProject(Project):
    """A build context folder on disk; only small text files are read."""

    MAX_BYTES = 512 * 1024

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, relpath: str) -> Path | None:
        rel = posixpath.normpath(relpath.lstrip("/"))
        if rel.startswith(".."):
            return None
        return self.root / rel

    def read(self, relpath: str) -> str | None:
        path = self._path(relpath)
        try:
            if path is None or not path.is_file() or path.stat().st_size > self.MAX_BYTES:
                return None
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def exists(self, relpath: str) -> bool | None:
        path = self._path(relpath)
        if path is None:
            return None
        try:
            return path.exists()
        except OSError:
            return None

    def glob(self, pattern: str) -> list[str] | None:
        try:
            return sorted(p.relative_to(self.root).as_posix() for p in self.root.glob(pattern))
        except (OSError, ValueError):
            return None


def _strip_json_comments(text: str) -> str:
    """tsconfig.json allows comments and trailing commas; drop them outside strings."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


# -- the stage, as items to rearrange --------------------------------------------------------


@dataclass(eq=False)
class Chunk:
    """An instruction with the lines above it (comments, blank lines) back to the previous
    instruction. `body` is its own lines, as written."""

    instr: Instruction
    lead: list[str]
    body: list[str]
    workdir: str  # the working directory it runs in (may contain variables)


@dataclass(eq=False)
class Item:
    """A line group of a stage being assembled: an original chunk (optionally with its body
    replaced), or generated lines."""

    chunk: Chunk | None = None
    lines: list[str] | None = None  # replaces the chunk's body; the text of generated items
    lead: list[str] | None = None  # replaces the chunk's lead; comments above generated items

    @property
    def kind(self) -> str | None:
        return self.chunk.instr.kind if self.chunk is not None else None

    def render(self) -> list[str]:
        lead = self.lead if self.lead is not None else (self.chunk.lead if self.chunk else [])
        body = self.lines if self.lines is not None else (self.chunk.body if self.chunk else [])
        return [*lead, *body]


def bare(chunk: Chunk) -> Item:
    """The chunk's instruction without the comments above it (a copy in a second stage)."""
    return Item(chunk, lead=[])


def gen(*lines: str, lead: list[str] | None = None) -> Item:
    return Item(lines=list(lines), lead=list(lead or []))


def insert_before(items: list[Item], index: int, new: list[Item]) -> None:
    """Insert generated items before `items[index]`; blank lines that open the item's lead
    move up, so the new lines sit under them and above the item's comments."""
    if not new:
        return
    if index < len(items):
        target = items[index]
        lead = (
            target.lead if target.lead is not None else (target.chunk.lead if target.chunk else [])
        )
        blanks = 0
        while blanks < len(lead) and not lead[blanks].strip():
            blanks += 1
        if blanks:
            target.lead = lead[blanks:]
            first = new[0]
            first.lead = lead[:blanks] + (first.lead or [])
    items[index:index] = new


# -- shell commands --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """One command of a RUN that is a plain `a && b && c` chain, as one line of text."""

    command: Command
    text: str


def command_span(cmd: Command) -> Span:
    tokens = [*cmd.assignments, *cmd.wrappers, *cmd.words]
    start = min(t.span.start for t in tokens)
    end = max(t.span.end for t in tokens)
    return Span(start, end)


def segments(
    df: Dockerfile, instr: Instruction, edits: list[Edit] | None = None
) -> list[Segment] | None:
    """The commands of a shell-form RUN joined only by `&&` (or `;`), each as a single line
    (with `edits` that fall inside it applied); None when the RUN is anything more (exec
    form, heredoc, pipes, `||`, `if`, comments)."""
    if instr.kind != "RUN" or instr.json or instr.heredocs or instr.args_span is None:
        return None
    found = script(df, instr)
    if found.exec_form or found.heredoc or not found.commands or found.tail:
        return None
    source = df.source
    out: list[Segment] = []
    prev_end = instr.args_span.start
    for i, cmd in enumerate(found.commands):
        if not cmd.words:
            return None
        span = command_span(cmd)
        between = _squash(source.text_at(Span(prev_end, span.start)), df.escape)
        if between != ("" if i == 0 else "&&") and not (i and between == ";"):
            return None
        text = text_with_edits(df, span, edits or [])
        if "#" in text and _has_comment_line(text):
            return None
        out.append(Segment(cmd, _one_line(text, df.escape)))
        prev_end = span.end
    if _squash(source.text_at(Span(prev_end, instr.args_span.end)), df.escape):
        return None
    return out


def _squash(text: str, escape: str) -> str:
    text = re.sub(re.escape(escape) + r"[ \t]*(?:\r\n|\r|\n)", " ", text)
    return "".join(text.split())


def _has_comment_line(text: str) -> bool:
    return any(line.lstrip().startswith("#") for line in re.split(r"\r\n|\r|\n", text)[1:])


def _one_line(text: str, escape: str) -> str:
    return re.sub(re.escape(escape) + r"[ \t]*(?:\r\n|\r|\n)[ \t]*", " ", text).strip()


def flags_text(instr: Instruction) -> str:
    return " ".join(f.raw for f in instr.flags)


def run_lines(style: Style, instr: Instruction, commands: list[str]) -> list[str]:
    """A RUN with the flags of `instr` (its `--mount`s) running `commands`."""
    return style.run(commands, flags_text(instr))


# -- images ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Base:
    """The stage's base image: as written, after global ARG expansion, parsed."""

    written: str
    text: str
    ref: ImageRef | None

    def rewrite(self, alternative: str) -> str:
        """`alternative` written the way the base is: `node:${NODE_VERSION}-alpine` for a
        base `node:${NODE_VERSION}` whose default expands to `node:20`."""
        if self.written != self.text and alternative.startswith(self.text):
            return self.written + alternative[len(self.text) :]
        return alternative


def size_of(catalog: Catalog, image: str) -> int | None:
    ref = parse_image_ref(image)
    if ref is None:
        return None
    match = catalog.lookup(ref)
    size = match.preferred() if match is not None else None
    return size.compressed_bytes if size is not None else None


# -- the context --------------------------------------------------------------------------


@dataclass(eq=False)
class StageContext:
    df: Dockerfile
    stage: Stage
    style: Style
    project: Project = field(default_factory=Project)
    catalog: Catalog = field(default_factory=load_catalog)
    builder: str = "builder"  # the builder stage's name
    chunks: list[Chunk] = field(default_factory=list)
    base: Base | None = None

    def __post_init__(self) -> None:
        df, stage = self.df, self.stage
        lines = df.lines
        prev_end = stage.from_.end_line
        workdir = "/"
        for instr in stage.instructions[1:]:
            lead = lines[prev_end + 1 : instr.start_line]
            body = lines[instr.start_line : instr.end_line + 1]
            self.chunks.append(Chunk(instr, lead, body, workdir))
            if instr.kind == "WORKDIR" and instr.args:
                workdir = join(workdir, instr.args[0].value)
            prev_end = instr.end_line
        word = stage.from_.image
        if word is not None:
            text = expand_global(df, word.text)
            if text is not None:
                self.base = Base(word.text, text, parse_image_ref(text))

    # -- what the stage does

    def runs(self) -> list[tuple[Chunk, list[Command]]]:
        return [
            (c, script(self.df, c.instr).commands) for c in self.chunks if c.instr.kind == "RUN"
        ]

    def find_command(self, test: Callable[[Command], bool]) -> tuple[Chunk, Command] | None:
        for chunk, commands in self.runs():
            for cmd in commands:
                if test(cmd):
                    return chunk, cmd
        return None

    def find_last_command(self, test: Callable[[Command], bool]) -> tuple[Chunk, Command] | None:
        found = None
        for chunk, commands in self.runs():
            for cmd in commands:
                if test(cmd):
                    found = (chunk, cmd)
        return found

    def context_copy(self) -> int | None:
        """Index (in `chunks`) of the first COPY/ADD of the whole build context."""
        for i, chunk in enumerate(self.chunks):
            if is_context_copy(chunk.instr):
                return i
        return None

    def final_workdir(self) -> str:
        wd = "/"
        for chunk in self.chunks:
            if chunk.instr.kind == "WORKDIR" and chunk.instr.args:
                wd = join(wd, chunk.instr.args[0].value)
        return wd

    def command_of(self) -> tuple[Chunk | None, Chunk | None]:
        """The last ENTRYPOINT and CMD chunks."""
        entry = cmd = None
        for chunk in self.chunks:
            if chunk.instr.kind == "ENTRYPOINT":
                entry = chunk
            elif chunk.instr.kind == "CMD":
                cmd = chunk
        return entry, cmd

    def argv(self) -> list[str]:
        """What the container runs (ENTRYPOINT + CMD), as words; shell form split on spaces."""
        entry, cmd = self.command_of()
        out: list[str] = []
        for chunk in (entry, cmd):
            if chunk is None:
                continue
            instr = chunk.instr
            out += [w.value for w in instr.args] if instr.json else instr.args_text.split()
        return out

    def env_value(self, name: str) -> str | None:
        found = None
        for chunk in self.chunks:
            instr = chunk.instr
            if isinstance(instr, KeyValueInstruction) and instr.kind == "ENV":
                for pair in instr.pairs:
                    if pair.key.value == name and pair.value is not None:
                        found = pair.value.value
        return found

    def system_packages(self) -> list[str]:
        """Packages the stage installs with apt-get, apk, dnf, ... (for the runtime note)."""
        from msb_lsp.rules._shell import installed_packages

        out: list[str] = []
        for _, commands in self.runs():
            for cmd in commands:
                out += [p for p in installed_packages(cmd) if p not in out]
        return out

    def builder_items(self, build_only_env: Callable[[str], bool] = lambda _: False) -> list[Item]:
        """The stage's instructions that belong to the builder: everything but what only
        describes the running image, and a USER that nothing after it in the stage uses."""
        items = []
        last_work = max(
            (i for i, c in enumerate(self.chunks) if c.instr.kind in ("RUN", "COPY", "ADD")),
            default=-1,
        )
        blanks: list[str] = []  # blank lines above a left-out instruction stay in place
        for i, chunk in enumerate(self.chunks):
            kind = chunk.instr.kind
            if kind in RUNTIME_ONLY or (kind == "USER" and i > last_work):
                lead = chunk.lead
                blanks = blanks or lead[: len(lead) - len(_lstrip_blank(lead))]
                continue
            item = Item(chunk)
            if blanks and (not chunk.lead or chunk.lead[0].strip()):
                item.lead = [*blanks, *chunk.lead]
            blanks = []
            items.append(item)
        return items


def _lstrip_blank(lines: list[str]) -> list[str]:
    k = 0
    while k < len(lines) and not lines[k].strip():
        k += 1
    return lines[k:]


def is_context_copy(instr: Instruction) -> bool:
    if not isinstance(instr, CopyInstruction) or instr.from_flag is not None or instr.heredocs:
        return False
    return any(w.value.strip("\"'") in WHOLE_CONTEXT for w in instr.sources)


def join(base: str, path: str) -> str:
    """`path` resolved against the directory `base` (both may hold variables)."""
    if path.startswith(("/", "$")):
        return posixpath.normpath(path) if path.startswith("/") else path
    return posixpath.normpath(posixpath.join(base, path))


def relative(path: str, workdir: str) -> str:
    """How a COPY destination in `workdir` names `path`: `./dist` under it, else absolute."""
    if workdir != "/" and path.startswith(workdir.rstrip("/") + "/"):
        return "./" + path[len(workdir.rstrip("/")) + 1 :]
    return path


def directory_dest(dest: str) -> str:
    """A COPY destination for several sources must end with `/`."""
    if dest == ".":
        return "./"
    return dest if dest.endswith("/") else dest + "/"


def exec_form(argv: list[str]) -> str:
    return json.dumps(argv, ensure_ascii=False)


_SIMPLE_WORD = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


def simple_words(text: str) -> list[str] | None:
    """A shell-form command as argv when it uses no shell feature; None otherwise."""
    words = text.split()
    if words and all(_SIMPLE_WORD.fullmatch(w) for w in words):
        return words
    return None


def pos_after(df: Dockerfile, instr: Instruction) -> Pos:
    return Pos(instr.end_line, len(df.lines[instr.end_line]))


@dataclass(eq=False)
class Plan:
    """What an ecosystem module decided.

    `builder` is the builder stage's body; `runtime_base` the image of the final stage;
    `steps` the runtime's own instructions (dependency install, COPY --from the builder);
    `user` the USER the runtime gets when the stage sets none; `overrides` maps runtime
    instructions (by chunk) to replacement lines, or to None to leave them out.
    """

    label: str
    builder: list[Item]
    runtime_base: str
    steps: list[Item]
    user: str | None = None
    overrides: dict[int, list[str] | None] = field(default_factory=dict)
    extra_tail: list[Item] = field(default_factory=list)  # e.g. a CMD for Next.js
    build_only_env: Callable[[str], bool] = lambda _: False
    note: str | None = None  # added to the title
    notes: list[str] = field(default_factory=list)  # comment lines above the runtime steps
    keep_shell: bool = False  # SHELL also applies in the runtime (same base image family)
    asks: bool = False  # the runtime's COPY has tab stops: the user chooses what to copy


# -- rewriting commands and caching dependencies -------------------------------------------


def text_with_edits(df: Dockerfile, span: Span, edits: list[Edit]) -> str:
    """The source text of `span` with the edits inside it applied."""
    source = df.source
    start, end = source.offset(span.start), source.offset(span.end)
    text = source.text[start:end]
    inside = [
        (source.offset(e.span.start) - start, source.offset(e.span.end) - start, e.text)
        for e in edits
        if span.start <= e.span.start and e.span.end <= span.end
    ]
    for a, b, new in sorted(inside, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def apply_edits(ctx: StageContext, items: list[Item], edits: list[Edit]) -> None:
    """Rewrite the bodies of the original instructions that `edits` touch (items whose body
    was already regenerated took the edits into account themselves)."""
    if not edits:
        return
    df = ctx.df
    for item in items:
        chunk = item.chunk
        if chunk is None or item.lines is not None:
            continue
        instr = chunk.instr
        span = Span(Pos(instr.start_line, 0), pos_after(df, instr))
        if any(span.start <= e.span.start and e.span.end <= span.end for e in edits):
            text = text_with_edits(df, span, edits)
            item.lines = re.split(r"\r\n|\r|\n", text)


def cache_dependencies(
    ctx: StageContext,
    items: list[Item],
    manifests: list[str],
    is_install: Callable[[Command], bool],
    edits: list[Edit] | None = None,
    add_install: list[str] | None = None,
) -> bool:
    """Copy the dependency manifests and install before the whole context is copied.

    When the stage copies the build context and only then installs (`COPY . .` then
    `RUN npm ci && npm run build`), the manifests are copied first (same destination and
    flags as the context copy), the install runs, then the context copy and the rest. A RUN
    that also builds is split after the install. Nothing changes when an install already
    runs before the context copy, when ENV/ARG/WORKDIR/USER/COPY lines sit in between, or
    when the RUN is not a plain `&&` chain. With `add_install` (the lines of an install
    RUN's commands), a stage that never installs on its own (`go build` fetches modules
    itself) gets the manifests and that install before the context copy (in the folder the
    manifests go to). True when the builder changed.
    """
    df = ctx.df
    c = next(
        (i for i, it in enumerate(items) if it.chunk and is_context_copy(it.chunk.instr)), None
    )
    if c is None or not manifests:
        return False
    for item in items[:c]:
        if item.kind == "RUN" and any(
            is_install(cmd)
            for cmd in script(df, item.chunk.instr).commands  # type: ignore[union-attr]
        ):
            return False
    between: list[Item] = []  # ENV and ARG lines between the copy and the install
    for r in range(c + 1, len(items)):
        item = items[r]
        if item.kind in ("ENV", "ARG"):
            between.append(item)
            continue
        if item.kind != "RUN" or item.chunk is None:
            break
        instr = item.chunk.instr
        commands = script(df, instr).commands
        index = next((k for k, cmd in enumerate(commands) if is_install(cmd)), None)
        if index is None:
            continue
        if len(between) != r - c - 1:
            return False  # a RUN that may need the sources runs between them
        if index == len(commands) - 1:
            install, rest = item, []
        else:
            segs = segments(df, instr, edits)
            if segs is None or len(segs) != len(commands):
                return False
            install = gen(*run_lines(ctx.style, instr, [s.text for s in segs[: index + 1]]))
            item.lines = run_lines(ctx.style, instr, [s.text for s in segs[index + 1 :]])
            rest = [item]
        # The manifests take the context copy's place; the copy moves after the install.
        copy = items[c]
        manifest = _manifest_copy(ctx, copy, manifests)
        manifest.lead = copy.lead if copy.lead is not None else copy.chunk.lead  # type: ignore[union-attr]
        copy.lead = []
        items[c : r + 1] = [manifest, *between, install, copy, *rest]
        return True
    installs = any(
        is_install(cmd)
        for it in items
        if it.kind == "RUN" and it.chunk is not None
        for cmd in script(df, it.chunk.instr).commands
    )
    if add_install and not installs:
        copy = items[c].chunk
        assert copy is not None and isinstance(copy.instr, CopyInstruction)
        dest = copy.instr.destination.value if copy.instr.destination else "."
        where = join(copy.workdir, dest)
        commands = list(add_install)
        if where.rstrip("/") != copy.workdir.rstrip("/"):
            commands.insert(0, f"cd {where}")  # the manifests are not in the working dir
        install = gen(*ctx.style.run(commands))
        insert_before(items, c, [_manifest_copy(ctx, items[c], manifests), install])
        return True
    return False


def _manifest_copy(ctx: StageContext, context_copy: Item, manifests: list[str]) -> Item:
    """`COPY <manifests> <dest>` with the destination and flags of the context copy."""
    instr = context_copy.chunk.instr  # type: ignore[union-attr]
    assert isinstance(instr, CopyInstruction)
    dest = instr.destination.value if instr.destination else "./"
    flags = " ".join(f.raw for f in instr.flags)
    args = " ".join([*([flags] if flags else []), *manifests, directory_dest(dest)])
    return gen(ctx.style.line("COPY", args))


def word_edit_after(word_end: Pos, text: str) -> Edit:
    return Edit(Span(word_end, word_end), text)
