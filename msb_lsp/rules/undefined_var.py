"""A variable the builder expands that no ARG or ENV in scope defines (BuildKit's
UndefinedVar)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import KeyValueInstruction, VarRef
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefStatus, Stage
from msb_lsp.model.suggest import closest
from msb_lsp.model.variables import PLATFORM_ARGS, Scope
from msb_lsp.rules.base import Category, Edit, Fix, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

# Instructions whose variables the builder expands but BuildKit does not check here: FROM has
# its own rule (undefined-arg-in-from), EXPOSE is expanded without the check.
_NOT_CHECKED = frozenset({"FROM", "EXPOSE"})
# BuildKit makes sure PATH is always in the environment.
_ALWAYS_SET = frozenset({"PATH"})


@rule(
    code="MSB307",
    name="undefined-variable",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="A variable the builder expands that no ARG or ENV in scope defines",
    buildkit="UndefinedVar",
    fixable=True,
)
def undefined_variable(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags `$VAR` in the words the builder expands (COPY/ADD sources, destination, `--chown`,
    `--chmod`, ADD `--checksum`; ENV, LABEL, WORKDIR, USER, VOLUME, STOPSIGNAL; ARG defaults;
    `RUN --mount` values) when no `ARG` or `ENV` of the stage (or of the stages it is built
    `FROM`) defines `VAR` before that line. A likely typo gets a suggestion.

    The command text of RUN, CMD and ENTRYPOINT is not checked: the shell expands it at run
    time, where the base image's environment applies. Automatic platform ARGs such as
    `TARGETARCH` count only once the stage declares them with `ARG TARGETARCH`, as in
    BuildKit.

    BuildKit also knows the `ENV` of the base image (`APP_UID` in the .NET images, `GOPATH` in
    `golang`); msb-lsp does not read image configurations. So when the stage is built on an
    image (not `scratch`) and the name is neither a global ARG nor an automatic platform ARG,
    the variable may well come from the image: the finding is then only informational and
    points to the `FROM` line. A global ARG used without `ARG NAME` in the stage, a platform
    ARG without its declaration, or anything in a stage built on `scratch` is a warning.

    ## Why is this bad?
    An undefined variable expands to the empty string without any error:
    `COPY ${SRC_DIR} /src` copies the whole build context, `WORKDIR /opt/$APP` becomes
    `/opt/`. Global ARGs (before the first `FROM`) are not visible inside a stage until the
    stage redeclares them with `ARG NAME`.

    ## Example
    ```dockerfile
    FROM alpine
    COPY ${SRC_DIR} /src
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    ARG SRC_DIR=app
    COPY ${SRC_DIR} /src
    ```

    ## Fix
    When a defined variable has a close name (a typo), the fix renames the reference to it
    (offered as unsafe: it guesses what was meant).
    """
    global_args = {pair.key.value for instr in ctx.df.global_args for pair in instr.pairs}
    for stage in ctx.df.stages:
        image = _base_image(stage)
        for instr, scope in ctx.stage_scopes(stage):
            if instr.kind in _NOT_CHECKED:
                continue
            refs = [v for v in instr.variables if v.builder_expanded]
            if not refs:
                continue
            # The pairs of one ARG are declared in order: `ARG A=1 B=$A` is fine.
            earlier: dict[int, set[str]] = {}
            if instr.kind == "ARG" and isinstance(instr, KeyValueInstruction):
                names: set[str] = set()
                for pair in instr.pairs:
                    if pair.value is not None:
                        for ref in refs:
                            if pair.value.span.contains_span(ref.span):
                                earlier[id(ref)] = set(names)
                    names.add(pair.key.value)
            for ref in refs:
                if _defined(ref.name, scope) or ref.name in earlier.get(id(ref), ()):
                    continue
                if not _evaluated(ref, refs, scope):
                    continue
                violation = _violation(ref, scope)
                if image is not None and ref.name not in global_args | set(PLATFORM_ARGS):
                    violation.severity = Severity.INFO
                    note = f"the base image may set {ref.name} in its ENV (not read offline)"
                    violation.related = (Related(image, note),)
                yield violation


def _base_image(stage: Stage) -> Span | None:
    """The FROM image span of the stage chain's root when it is an image other than scratch,
    whose ENV may define variables."""
    root = stage
    seen = {stage.index}
    while root.base_stage is not None and root.base_stage.index not in seen:
        root = root.base_stage
        seen.add(root.index)
    ref = root.base_ref
    image = root.from_.image
    if ref is None or image is None or ref.status is not RefStatus.IMAGE:
        return None
    return None if ref.text == "scratch" else image.span


def _defined(name: str, scope: Scope) -> bool:
    return name in scope.vars or name in _ALWAYS_SET


def _evaluated(ref: VarRef, refs: list[VarRef], scope: Scope) -> bool:
    """Whether the shell lexer looks `ref` up at all: a reference inside the word of
    `${A:-word}` is read only when A is unset, inside `${A:+word}` only when A is set."""
    for outer in refs:
        if outer is ref or outer.word_span is None:
            continue
        if not outer.word_span.contains_span(ref.span):
            continue
        outer_set = _defined(outer.name, scope)
        if outer.modifier in (":-", "-") and outer_set:
            return False
        if outer.modifier in (":+", "+") and not outer_set:
            return False
    return True


def _violation(ref: VarRef, scope: Scope) -> Violation:
    candidates = [name for name, d in scope.vars.items() if d.value is not None or d.kind == "ENV"]
    suggestion = closest(ref.name, [*candidates, *_ALWAYS_SET], case_insensitive=False)
    message = f"Usage of undefined variable '${ref.name}'"
    fix = None
    if suggestion is not None and suggestion != ref.name:
        message += f" (did you mean ${suggestion}?)"
        fix = Fix(f"Use `${suggestion}`", (Edit(ref.name_span, suggestion),), safe=False)
    return Violation(ref.name_span, message, fix=fix)
