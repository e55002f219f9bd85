"""A variable the builder expands that no ARG or ENV in scope defines (BuildKit's
UndefinedVar)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from msb_lsp.model.nodes import Instruction, KeyValueInstruction, VarRef
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefStatus, Stage
from msb_lsp.model.suggest import closest, exhausted
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
    image_may_set = global_args | set(PLATFORM_ARGS)  # names the base image cannot be blamed for
    for stage in ctx.df.stages:
        image = _base_image(ctx.chain_root(stage))
        for instr, scope in ctx.stage_scopes(stage):
            if instr.kind in _NOT_CHECKED:
                continue
            refs = [v for v in instr.variables if v.builder_expanded]
            if not refs:
                continue
            # The pairs of one ARG are declared in order: `ARG A=1 B=$A` is fine.
            declared_earlier = _declared_earlier(instr, refs)
            skipped = _unevaluated(refs, scope)
            for ref in refs:
                if _defined(ref.name, scope) or id(ref) in declared_earlier:
                    continue
                if id(ref) in skipped:
                    continue
                violation = _violation(ref, scope)
                if image is not None and ref.name not in image_may_set:
                    violation.severity = Severity.INFO
                    note = f"the base image may set {ref.name} in its ENV (not read offline)"
                    violation.related = (Related(image, note),)
                yield violation


def _base_image(root: Stage) -> Span | None:
    """The FROM image span of a stage chain's root when it is an image other than scratch,
    whose ENV may define variables."""
    ref = root.base_ref
    image = root.from_.image
    if ref is None or image is None or ref.status is not RefStatus.IMAGE:
        return None
    return None if ref.text == "scratch" else image.span


def _defined(name: str, scope: Scope) -> bool:
    return name in scope.vars or name in _ALWAYS_SET


def _declared_earlier(instr: Instruction, refs: list[VarRef]) -> set[int]:
    """The references (by id) in an ARG's values to names an earlier pair of the same ARG
    declares (`B` in `ARG B=1 C=$B`). Linear: a lookup per reference, not a scan of the pairs
    (an ARG may declare thousands of names on one line)."""
    if instr.kind != "ARG" or not isinstance(instr, KeyValueInstruction):
        return set()
    first: dict[str, int] = {}  # name -> the first pair declaring it
    holders: list[tuple[Span, int]] = []  # the values, in order, with their pair's index
    for k, pair in enumerate(instr.pairs):
        first.setdefault(pair.key.value, k)
        if pair.value is not None:
            holders.append((pair.value.span, k))
    starts = [span.start for span, _ in holders]
    found: set[int] = set()
    for ref in refs:
        # Values do not overlap: the one holding `ref`, if any, is the last starting before it.
        i = bisect_right(starts, ref.span.start) - 1
        if i >= 0 and holders[i][0].contains_span(ref.span):
            k = holders[i][1]
            if first.get(ref.name, k) < k:
                found.add(id(ref))
    return found


def _unevaluated(refs: list[VarRef], scope: Scope) -> set[int]:
    """The references (by id) the shell lexer never looks up: inside the word of
    `${A:-word}` when A is set, inside `${A:+word}` when A is unset, at any depth. One pass
    with a stack of the enclosing references (nesting may be thousands deep)."""
    skipped: set[int] = set()
    enclosing: list[tuple[VarRef, bool]] = []  # (reference, its word is skipped)
    for ref in sorted(refs, key=lambda r: r.span.start):
        while enclosing and not _word_holds(enclosing[-1][0], ref):
            enclosing.pop()
        inside_skipped = bool(enclosing) and enclosing[-1][1]
        if inside_skipped:
            skipped.add(id(ref))
        if ref.word_span is not None:
            is_set = _defined(ref.name, scope)
            blocks = (ref.modifier in (":-", "-") and is_set) or (
                ref.modifier in (":+", "+") and not is_set
            )
            enclosing.append((ref, inside_skipped or blocks))
    return skipped


def _word_holds(outer: VarRef, ref: VarRef) -> bool:
    return outer.word_span is not None and outer.word_span.contains_span(ref.span)


def _violation(ref: VarRef, scope: Scope) -> Violation:
    suggestion = None
    if not exhausted():  # else the lint run's did-you-mean budget is spent (a hostile file)
        candidates = [
            name for name, d in scope.vars.items() if d.value is not None or d.kind == "ENV"
        ]
        suggestion = closest(ref.name, [*candidates, *_ALWAYS_SET], case_insensitive=False)
    message = f"Usage of undefined variable '${ref.name}'"
    fix = None
    if suggestion is not None and suggestion != ref.name:
        message += f" (did you mean ${suggestion}?)"
        fix = Fix(f"Use `${suggestion}`", (Edit(ref.name_span, suggestion),), safe=False)
    return Violation(ref.name_span, message, fix=fix)
