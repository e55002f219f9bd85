"""COPY or ADD of a path that .dockerignore excludes from the build context (BuildKit's
CopyIgnoredFile)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.dockerignore import DockerIgnore, find_dockerignore, go_clean, load_dockerignore
from msb_lsp.model.nodes import CopyInstruction, Instruction, Word
from msb_lsp.model.variables import Scope, expand
from msb_lsp.model.words import unquote_shell
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

# Sources that do not come from the build context: URLs and git repositories (ADD only).
_REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|git@)")


@rule(
    code="MSB315",
    name="copy-ignored-file",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="COPY or ADD of a path that .dockerignore excludes from the build context",
    buildkit="CopyIgnoredFile",
)
def copy_ignored_file(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `COPY` or `ADD` source from the build context that `.dockerignore` excludes,
    itself or through one of its parent directories. The ignore file is the one BuildKit
    uses: `<Dockerfile name>.dockerignore` beside the Dockerfile if it exists, else
    `.dockerignore` at the root of the build context (the `lint.dockerignore` setting names
    one explicitly). Patterns follow Docker's syntax: Go `filepath.Match` wildcards, `**`
    for any number of directories, paths relative to the context root.

    As in BuildKit, nothing is reported when the ignore file has `!` exceptions (a
    directory may be excluded while a file inside it is let back in), for `COPY --from`
    (the files come from a stage or image), for URLs and git sources, and for sources whose
    variables cannot be resolved.

    ## Why is this bad?
    Excluded files are not sent to the builder, so the instruction fails with "not found",
    or, with a wildcard, silently copies less than intended.

    ## Example
    With a `.dockerignore` containing `secrets.env`:
    ```dockerfile
    FROM alpine
    COPY secrets.env /app/
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    RUN --mount=type=secret,id=env,target=/app/secrets.env ./configure
    ```
    """
    ignore = _ignore_file(ctx)
    if ignore is None or not ignore.patterns or ignore.has_exceptions:
        return
    for stage in ctx.df.stages:
        for instr, scope in ctx.stage_scopes(stage):
            if not isinstance(instr, CopyInstruction) or instr.from_flag is not None:
                continue
            for word in _sources(instr):
                path = _resolve(ctx, instr, word, scope)
                if path is None or not ignore.excludes(path):
                    continue
                cmd = "Add" if instr.kind == "ADD" else "Copy"
                quoted = path.replace("\\", "\\\\").replace('"', '\\"')
                yield Violation(
                    word.span,
                    f'Attempting to {cmd} file "{quoted}" that is excluded by .dockerignore',
                )


def _ignore_file(ctx: RuleContext) -> DockerIgnore | None:
    found = find_dockerignore(ctx.options.path, ctx.build_context, ctx.options.dockerignore)
    return load_dockerignore(found) if found is not None else None


def _sources(instr: CopyInstruction) -> list[Word]:
    sources = instr.sources
    if instr.heredocs and not instr.json:
        sources = [w for w in sources if not w.text.startswith("<<")]
    return sources


def _resolve(ctx: RuleContext, instr: Instruction, word: Word, scope: Scope) -> str | None:
    """The source as BuildKit checks it: expanded, unquoted, cleaned; None when unknown."""
    text = word.value if instr.json else word.text
    if not instr.json and "$" in text:
        expanded = expand(text, scope, ctx.df.escape)
        if not expanded.complete:
            return None
        text = expanded.text
    if not instr.json and ('"' in text or "'" in text):
        text = unquote_shell(text, ctx.df.escape)
    if instr.kind == "ADD" and _REMOTE.match(text):
        return None
    return go_clean(text)
