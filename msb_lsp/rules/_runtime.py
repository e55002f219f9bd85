"""What the final-image rules (MSB2xx) share: which stages ship, and what they run on.

"Runtime stages" are the last stage (the default target) and the stages named as build
targets elsewhere (`LintOptions.targets`: compose, bake, CI), except targets whose name says
they are for development, tests or building. A stage built `FROM <stage>` inherits the
filesystem and settings of that stage, so the rules look at the whole chain of stages down to
the one that names an image.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.model.nodes import Instruction, RunInstruction, Word
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import RefStatus, Stage
from msb_lsp.model.variables import Scope, expand, expand_global
from msb_lsp.rules.base import Edit, Fix
from msb_lsp.rules.context import RuleContext

# Stage names of images that are not shipped: `dev`, `test-unit`, `builder`, `lint`, ...
_NOT_RUNTIME = re.compile(
    r"(?:^|[-_.])(?:dev|devel|develop|development|debug|test|tests|testing|lint|ci|"
    r"build|builder|compile|deps|tools?|validate|vendor|gen|generate|check|fmt|format)"
    r"(?:$|[-_.]|envs?$)"
)
# A stage built FROM one of these is a development or test image too (FROM a *builder*
# stage, on the other hand, is a shipped builder: the rules must see it).
_DEV_BASE = re.compile(
    r"(?:^|[-_.])(?:dev|devel|develop|development|debug|test|tests|testing|lint)(?:$|[-_.])"
)
_WINDOWS = re.compile(r"windows|nanoserver|servercore|ltsc\d{4}|dotnet/framework", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BaseImage:
    """The image a stage chain starts from.

    `stage` is the stage whose FROM names it, `word` the image word as written there, `text`
    the reference after global ARG expansion, and `ref` its parsed form (None when the text
    is not a valid reference).
    """

    stage: Stage
    word: Word
    text: str
    ref: ImageRef | None

    @property
    def is_scratch(self) -> bool:
        return self.text == "scratch"

    @property
    def has_variables(self) -> bool:
        return "$" in self.word.text


def chain(stage: Stage) -> list[Stage]:
    """The stage, its base stage, that stage's base, ... (the image-naming stage last)."""
    out: list[Stage] = []
    seen: set[int] = set()
    current: Stage | None = stage
    while current is not None and current.index not in seen:
        seen.add(current.index)
        out.append(current)
        current = current.base_stage
    return out


def base_image(ctx: RuleContext, stage: Stage) -> BaseImage | None:
    """The image `stage` is built on, following `FROM <stage>`; None when it cannot be
    known (a variable without a default, a stage reference BuildKit refuses). Worked out
    once per stage and lint run: several rules ask."""
    key = ("base_image", stage.index)
    if key not in ctx.memo:
        ctx.memo[key] = _base_image(ctx, stage)
    return ctx.memo[key]  # type: ignore[no-any-return]


def _base_image(ctx: RuleContext, stage: Stage) -> BaseImage | None:
    root = chain(stage)[-1]
    if root.base_ref is not None and root.base_ref.status is not RefStatus.IMAGE:
        return None
    word = root.from_.image
    if word is None:
        return None
    text = expand_global(ctx.df, word.text)
    if text is None or "$" in text:
        return None
    return BaseImage(root, word, text, parse_image_ref(text))


def chain_instructions(stage: Stage) -> list[Instruction]:
    """Every instruction that shaped the stage's filesystem and settings, oldest first."""
    return [i for s in reversed(chain(stage)) for i in s.instructions]


def runtime_stages(ctx: RuleContext) -> list[Stage]:
    """The last stage, then the target stages; in both cases only stages that do not look
    like development, test or build stages by their name or the names of their bases."""
    found = ctx.memo.get("runtime_stages")
    if found is None:
        found = ctx.memo["runtime_stages"] = _runtime_stages(ctx)
    return list(found)


def _runtime_stages(ctx: RuleContext) -> list[Stage]:
    df = ctx.df
    candidates = [df.final_stage] if df.final_stage is not None else []
    candidates += [s for s in (df.stage_named(t) for t in ctx.options.targets) if s is not None]
    out: list[Stage] = []
    for stage in candidates:
        if stage not in out and not _is_non_runtime(stage):
            out.append(stage)
    return out


def _is_non_runtime(stage: Stage) -> bool:
    if stage.name is not None and _NOT_RUNTIME.search(stage.name):
        return True
    return any(s.name is not None and _DEV_BASE.search(s.name) for s in chain(stage)[1:])


def runtime_runs(ctx: RuleContext) -> Iterator[RunInstruction]:
    """The RUN instructions whose results ship in a runtime stage, each once."""
    seen: set[int] = set()
    for stage in runtime_stages(ctx):
        for instr in chain_instructions(stage):
            if isinstance(instr, RunInstruction) and id(instr) not in seen:
                seen.add(id(instr))
                yield instr


def stage_label(ctx: RuleContext, stage: Stage) -> str:
    """How messages name a runtime stage: 'final stage' or "target stage 'prod'"."""
    if stage is ctx.df.final_stage:
        return "final stage"
    return f"target stage '{stage.label}'"


def is_windows(image: BaseImage) -> bool:
    return _WINDOWS.search(image.text) is not None


# -- users ---------------------------------------------------------------------------------

# Programs that start as root and switch to another user themselves (entrypoint scripts of
# official images use gosu or su-exec; setpriv and chroot --userspec do the same).
_PRIVILEGE_DROP = re.compile(
    r"(?<![\w-])(?:gosu|su-exec|setpriv|chpst|s6-setuidgid|runuser|setuidgid)(?![\w-])"
)
# Servers whose master process starts as root and runs its workers as another user.
_SELF_DROPPING = frozenset(
    {"nginx", "httpd", "httpd-foreground", "apache2-foreground", "apache2ctl", "php-fpm"}
)
# The command of an image meant to be built upon: a shell or an interactive interpreter.
_INTERACTIVE = frozenset(
    {
        "sh",
        "bash",
        "ash",
        "zsh",
        "dash",
        "pwsh",
        "powershell",
        "cmd",
        "python",
        "python2",
        "python3",
        "node",
        "irb",
        "jshell",
        "ghci",
        "iex",
        "erl",
        "php",
        "julia",
        "R",
        "swift",
        "deno",
        "bun",
    }
)


def is_root(user: str) -> bool:
    """`root`, `0`, `root:root`, `0:0`, `0:somegroup`: the user part decides."""
    name = user.split(":", 1)[0].strip()
    return name in ("root", "0")


def known_nonroot(image: BaseImage) -> bool:
    """Images documented to default to a non-root user."""
    ref = image.ref
    if ref is None:
        return False
    name = ref.short_name
    tag = ref.tag or ""
    if name.startswith("gcr.io/distroless/") and "nonroot" in tag.split("-"):
        return True
    if name.startswith("cgr.dev/chainguard/"):
        return True  # Chainguard images run as 65532 (nonroot) by default
    if name.startswith("mcr.microsoft.com/dotnet/") and "chiseled" in tag:
        return True  # chiseled .NET images run as the `app` user
    return name.startswith("bitnami/") or name.endswith("-unprivileged")


def suggested_user(image: BaseImage) -> str:
    """A user that exists in the image: `node` in node images, `nonroot` in distroless,
    otherwise `nobody`, which Debian, Ubuntu, Alpine, BusyBox and UBI all have."""
    name = image.ref.short_name if image.ref is not None else ""
    if name == "node" or name.endswith("/node"):
        return "node"
    if name.startswith("gcr.io/distroless/"):
        return "nonroot"
    return "nobody"


@dataclass(frozen=True, slots=True)
class UserState:
    """The user the stage's process starts as: the last USER of the chain (None: no USER),
    its value after ARG/ENV expansion (None when unknown)."""

    instruction: Instruction | None
    word: Word | None
    value: str | None


def last_user(ctx: RuleContext, stage: Stage) -> UserState:
    found = UserState(None, None, None)
    for s in reversed(chain(stage)):
        for instr, scope in ctx.stage_scopes(s):
            if instr.kind == "USER" and instr.args:
                word = instr.args[0]
                result = expand(word.value, scope, ctx.df.escape)
                found = UserState(instr, word, result.text if result.complete else None)
    return found


def drops_privileges(ctx: RuleContext, stage: Stage) -> bool:
    """Whether the process switches users itself: the chain installs or runs a tool for it
    (gosu, su-exec, ...), or the command is a server whose master process must start as
    root to bind ports below 1024 and runs its workers as another user (nginx, httpd,
    php-fpm)."""
    if any(
        instr.kind in ("RUN", "ENTRYPOINT", "CMD", "COPY", "ADD")
        and _PRIVILEGE_DROP.search(ctx.text(instr)) is not None
        for instr in chain_instructions(stage)
    ):
        return True
    entry, cmd = command_of(stage)
    if entry is not None and not _entrypoint_is_wrapper(entry):
        program = _program(entry)
    else:
        program = _program(cmd) if cmd is not None else ""
    return program.rstrip("0123456789.") in _SELF_DROPPING


def _program(instr: Instruction) -> str:
    argv = [w.value for w in instr.args] if instr.json else instr.args_text.split()
    return argv[0].rsplit("/", 1)[-1] if argv else ""


def starts_as_root(image: BaseImage) -> bool:
    """Images known to start as root when no USER is set: Docker Official Images, distroless
    without `:nonroot`, .NET images without `chiseled`. Other images may set a user."""
    ref = image.ref
    if ref is None or known_nonroot(image):
        return False
    name = ref.short_name
    return ref.is_official or name.startswith(("gcr.io/distroless/", "mcr.microsoft.com/dotnet/"))


def command_of(stage: Stage) -> tuple[Instruction | None, Instruction | None]:
    """The last ENTRYPOINT and the last CMD of the chain (each None when not set)."""
    entry = cmd = None
    for instr in chain_instructions(stage):
        if instr.kind == "ENTRYPOINT":
            entry = instr
        elif instr.kind == "CMD":
            cmd = instr
    return entry, cmd


def is_base_image_like(stage: Stage) -> bool:
    """An image meant to be built upon: it sets no command, or its command is a shell or an
    interactive interpreter (`CMD ["python3"]`, `CMD ["node"]`, `CMD ["bash"]`)."""
    if any(i.kind == "ONBUILD" for i in stage.instructions):
        return True  # ONBUILD only matters to the Dockerfiles built on this image
    entry, cmd = command_of(stage)
    if entry is not None and not _entrypoint_is_wrapper(entry):
        return False
    if cmd is None:
        return True  # the command is the base image's
    argv = [w.value for w in cmd.args] if cmd.json else cmd.args_text.split()
    if not argv:
        return True
    program = argv[0].rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    program = program.removesuffix(".exe")
    bare = len(argv) == 1 or (len(argv) == 2 and argv[1].startswith("-"))  # `php -a`
    return bare and program.rstrip("0123456789.") in _INTERACTIVE


def _entrypoint_is_wrapper(entry: Instruction) -> bool:
    """`docker-entrypoint.sh` scripts of official images run the CMD (after set-up)."""
    argv = [w.value for w in entry.args] if entry.json else entry.args_text.split()
    return bool(argv) and "entrypoint" in argv[0].rsplit("/", 1)[-1].lower()


def insert_user_fix(
    ctx: RuleContext, stage: Stage, user: str, title: str, after: Instruction | None = None
) -> Fix:
    """A fix that adds `USER <user>` before the stage's first CMD or ENTRYPOINT that comes
    after `after` (the instructions before it may still need root), or at the stage's end."""
    eol = ctx.df.source.eol
    for instr in stage.instructions:
        if instr.kind in ("CMD", "ENTRYPOINT") and (
            after is None or instr.span.start > after.span.start
        ):
            line = instr.span.start.line
            indent = ctx.df.lines[line][: instr.span.start.col]
            at = Pos(line, 0)
            return Fix(title, (Edit(Span(at, at), f"{indent}USER {user}{eol}"),), safe=False)
    end = stage.instructions[-1].span.end
    return Fix(title, (Edit(Span(end, end), f"{eol}USER {user}"),), safe=False)


def scope_of(ctx: RuleContext, instr: Instruction) -> Scope:
    """The ARG/ENV variables in effect when `instr` runs (its stage chain's)."""
    scope = ctx.scope_before(instr)
    return scope if scope is not None else Scope()
