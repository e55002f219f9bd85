"""`COPY --from=` or `--mount from=` with no value: BuildKit ignores it and uses the context."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Flag
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import RefKind, RefStatus, StageRef
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import IGNORED_MOUNTS, mount_of, mount_type


def _copy_flag(ref: StageRef) -> Flag | None:
    for flag in ref.instruction.flags_named("from"):
        if flag.value_span == ref.span:
            return flag
    return None


def _remove_flag(df: Dockerfile, flag: Flag) -> Edit:
    """Remove the flag and the blanks after it on its line."""
    end = flag.span.end
    line = df.lines[end.line]
    col = end.col
    while col < len(line) and line[col] in " \t":
        col += 1
    return Edit(Span(flag.span.start, Pos(end.line, col)), "")


def _remove_option(mount: Flag, ref: StageRef) -> Edit | None:
    """Remove `from=` and one comma next to it; None when it is the only option."""
    options = mount.options
    for i, opt in enumerate(options):
        if opt.value_span != ref.span:
            continue
        if i + 1 < len(options):
            return Edit(Span(opt.span.start, options[i + 1].span.start), "")
        if i > 0:
            return Edit(Span(options[i - 1].span.end, opt.span.end), "")
    return None


@rule(
    code="MSB111",
    name="empty-from-flag",
    severity=Severity.WARNING,
    category=Category.STAGES,
    summary="COPY --from= or RUN --mount from= without a value",
    fixable=True,
)
def empty_from_flag(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `COPY --from=` and `RUN --mount=...,from=` with an empty value (also `--from=""`),
    typically left behind by a template or a script that filled in nothing.

    ## Why is this bad?
    BuildKit treats an empty `--from` as no `--from` at all: the COPY reads the build
    context, and the mount is the build context (or an empty cache directory). The build
    succeeds but copies something else than the author meant, or fails later with a
    "not found" error far from the cause.

    ## Example
    ```dockerfile
    FROM alpine
    COPY --from= /app /app
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    COPY --from=build /app /app
    ```

    ## Fix
    Removes the empty `--from=` (or `from=` option), which is what BuildKit does anyway; the
    file then says what the build really does.
    """
    df = ctx.df
    for ref in df.refs:
        if ref.status is not RefStatus.EMPTY or ref.instruction.kind == "ADD":
            continue
        if ref.kind is RefKind.COPY:
            flag = _copy_flag(ref)
            span = flag.span if flag is not None else ref.span
            fix = Fix("Remove the empty --from", (_remove_flag(df, flag),)) if flag else None
            yield Violation(
                span,
                "'--from' is empty: BuildKit ignores it and copies from the build context",
                fix=fix,
            )
        elif ref.kind is RefKind.MOUNT:
            mount = mount_of(ref)
            if mount is None:
                continue
            kind = mount_type(mount)
            if kind in IGNORED_MOUNTS:
                continue
            used = "an empty cache directory" if kind == "cache" else "the build context"
            option = next((o for o in mount.options if o.value_span == ref.span), None)
            if option is None:
                continue
            edit = _remove_option(mount, ref)
            yield Violation(
                option.span,
                f"'from' is empty: BuildKit ignores it and the mount is {used}",
                fix=Fix("Remove the empty from=", (edit,)) if edit is not None else None,
            )
