"""`COPY --from=buidler` where a stage `builder` exists: BuildKit pulls an image instead.

This module also holds what the other stage-reference rules share: which words are bare
names, which are well-known images, the did-you-mean candidates among earlier stages, and
edits that replace a reference's value.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

from msb_lsp.images.catalog import load_catalog
from msb_lsp.images.reference import parse_image_ref
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Flag, RunInstruction
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefKind, RefStatus, Stage, StageRef
from msb_lsp.model.suggest import exhausted, near
from msb_lsp.rules.base import Category, Edit, Fix, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

# No registry, path, tag, digest or domain: a word that could only be a stage or a
# Docker Hub official image.
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SIGNED_NUMBER = re.compile(r"[+-]?[0-9]+")
# `from` means nothing on these mounts (or is an error of its own).
IGNORED_MOUNTS = ("secret", "ssh", "tmpfs")
# Shorter words are too often a deliberate, different name to call them typos.
_MIN_TYPO_LENGTH = 3


def is_bare_name(text: str) -> bool:
    """A word without `/`, `:`, `@` or `.` that is not a number."""
    return _BARE.fullmatch(text) is not None and _SIGNED_NUMBER.fullmatch(text) is None


@lru_cache(maxsize=1)
def _known_images() -> frozenset[str]:
    return frozenset(load_catalog().images())


def known_image(text: str) -> bool:
    """A well-known image (`node`, `composer`): naming it is deliberate, not a typo."""
    return text in _known_images()


def pulled_image(text: str) -> str | None:
    """The image BuildKit pulls for a reference that is not a stage, fully qualified
    (`docker.io/library/node:latest`); None when the text is not a valid image name."""
    ref = parse_image_ref(text)
    return ref.canonical if ref is not None else None


def buildkit_stage_name(df: Dockerfile, stage: Stage) -> str:
    """The name BuildKit uses for a stage in its messages: unnamed ones are `stage-<i>`."""
    if stage.name is not None:
        return stage.name
    return "" if len(df.stages) == 1 else f"stage-{stage.index}"


def stage_anchor(stage: Stage) -> Span:
    """Where related information points: the stage's name, or its FROM keyword."""
    return stage.name_word.span if stage.name_word is not None else stage.from_.keyword_span


def is_literal(df: Dockerfile, ref: StageRef) -> bool:
    """The reference is written as it is read (no variable), so editing it is safe."""
    return _unquoted(df.source.text_at(ref.span)) == ref.text


def value_edit(df: Dockerfile, span: Span, new: str) -> Edit:
    """Replace a value, keeping the quotes it was written with."""
    written = df.source.text_at(span)
    if len(written) >= 2 and written[0] == written[-1] and written[0] in "\"'":
        new = f"{written[0]}{new}{written[0]}"
    return Edit(span, new)


def _unquoted(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def mount_of(ref: StageRef) -> Flag | None:
    """The `--mount` flag a MOUNT reference is written in."""
    if not isinstance(ref.instruction, RunInstruction):
        return None
    for mount in ref.instruction.mounts:
        opt = mount.option("from")
        if opt is not None and opt.value_span == ref.span:
            return mount
    return None


def mount_type(mount: Flag | None) -> str:
    opt = mount.option("type") if mount is not None else None
    return (opt.value or "").lower() if opt is not None and opt.value else "bind"


def earlier_named_stages(df: Dockerfile, stage: Stage) -> list[Stage]:
    """The named stages before `stage`, the first of each name only."""
    seen: dict[str, Stage] = {}
    for other in df.stages[: stage.index]:
        if other.name is not None and other.name not in seen:
            seen[other.name] = other
    return list(seen.values())


def typo_candidates(ctx: RuleContext, ref: StageRef) -> list[Stage]:
    """Earlier stages whose name `ref` most likely misspells, nearest first. Computed once per
    reference and lint run: the rules that ask agree, also once the did-you-mean budget of a
    hostile file is spent."""
    found = ctx.typo_cache.get(id(ref))
    if found is None:
        found = ctx.typo_cache[id(ref)] = _typo_candidates(ctx, ref)
    return found


def _typo_candidates(ctx: RuleContext, ref: StageRef) -> list[Stage]:
    if ref.status is not RefStatus.IMAGE or ref.instruction.kind == "ADD":
        return []
    if ref.kind is RefKind.MOUNT and mount_type(mount_of(ref)) in IGNORED_MOUNTS:
        return []
    text = ref.text
    if len(text) < _MIN_TYPO_LENGTH or not is_bare_name(text) or known_image(text):
        return []
    if text == "scratch":  # the empty image, never a typo
        return []
    if exhausted():
        return []  # the lint run's did-you-mean budget is spent (a hostile file)
    # The first stage of each name, before this one: a prefix of the file's list, so no
    # reference walks all stages.
    count = bisect_left(ctx.first_named_stages, ref.stage.index, key=lambda s: s.index)
    by_name = ctx.first_named_by_name
    return [by_name[name] for name in near(text, ctx.first_stage_names[:count])]


def misspelled(ctx: RuleContext, kind: RefKind) -> Iterator[Violation]:
    """One violation per reference of `kind` that misspells an earlier stage's name."""
    df = ctx.df
    for ref in df.refs:
        if ref.kind is not kind:
            continue
        candidates = typo_candidates(ctx, ref)
        if not candidates:
            continue
        names = [c.name for c in candidates if c.name is not None]
        listed = " or ".join(f"'{n}'" for n in names[:3])
        fixes: tuple[Fix, ...] = ()
        if is_literal(df, ref):
            # With several candidates, picking one is a guess: never apply it unattended.
            safe = len(names) == 1
            fixes = tuple(
                Fix(f"Replace with '{n}'", (value_edit(df, ref.span, n),), safe=safe) for n in names
            )
        yield Violation(
            ref.span,
            f"'{ref.text}' is not a stage; did you mean {listed}?",
            fixes=fixes,
            related=tuple(Related(stage_anchor(c), f"stage '{c.name}'") for c in candidates),
        )


@rule(
    code="MSB101",
    name="copy-from-misspelled-stage",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="COPY --from names an image that is a near-miss of an earlier stage's name",
    hadolint=("DL3022",),
    fixable=True,
)
def copy_from_misspelled_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `COPY --from=<name>` where `<name>` is no stage of the file but is within a few
    letters of an earlier stage's name, such as `--from=buidler` when a stage is called
    `builder`. Names that differ only in case are not flagged: `COPY --from` matches stage
    names case-insensitively. Well-known images (`node`, `composer`, ...) are not treated as
    typos.

    ## Why is this bad?
    Anything that is not a stage is read as an image: BuildKit tries to pull
    `docker.io/library/buidler:latest` and fails with a registry error ("pull access denied",
    "repository does not exist") that does not mention the typo. If such an image exists, the
    build copies files from a stranger's image.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=buidler /app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=builder /app /app
    ```

    ## Fix
    One fix per candidate stage: it replaces the value with the stage's name. The fix is
    applied by fix-all only when there is a single candidate.
    """
    yield from misspelled(ctx, RefKind.COPY)
