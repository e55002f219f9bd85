"""The candidates for a completion context in a Dockerfile.

Everything here reads the parsed model (stages, scopes) and the offline image catalog; it
never touches the network and never walks the whole file: stages come from the model's stage
list and variables from the scope of the one instruction at the cursor.
"""

from __future__ import annotations

from functools import lru_cache

from msb_lsp.complete import knowledge as k
from msb_lsp.complete.context import Context, Where
from msb_lsp.complete.items import Candidate, ItemKind
from msb_lsp.images.catalog import Catalog, CatalogMatch, format_size
from msb_lsp.images.families import toolchain_reason
from msb_lsp.images.reference import parse_image_ref
from msb_lsp.images.tags import runtime_rank, split_tag
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import FromInstruction, KeyValueInstruction
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import Stage
from msb_lsp.model.validate import BOOL, FLAGS, MOUNT_KEYS, MOUNT_TYPES
from msb_lsp.model.variables import PLATFORM_ARGS, Scope, VarDef, global_scope, scope_at
from msb_lsp.rules.base import Edit

# The order instructions are offered in: the most used first.
_KEYWORD_ORDER = (
    "FROM",
    "RUN",
    "COPY",
    "ARG",
    "ENV",
    "WORKDIR",
    "USER",
    "EXPOSE",
    "CMD",
    "ENTRYPOINT",
    "LABEL",
    "ADD",
    "HEALTHCHECK",
    "VOLUME",
    "SHELL",
    "STOPSIGNAL",
    "ONBUILD",
    "MAINTAINER",
)
# The platform ARGs people declare in stages; the rest are offered after them.
_COMMON_PLATFORM_ARGS = ("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "BUILDPLATFORM")


def candidates(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    """Everything that fits the word at the cursor, unfiltered (clients filter by prefix)."""
    handler = _HANDLERS.get(ctx.where)
    return handler(df, ctx, catalog) if handler is not None else []


# -- keywords -----------------------------------------------------------------------------


def _keywords(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    lower = _lower_case_style(df, ctx)
    before_from = ctx.stage is None and not ctx.onbuild
    order = list(_KEYWORD_ORDER)
    if before_from:
        order.remove("ARG")
        order.insert(0, "ARG")  # global ARGs for FROM lines; `FROM` sorts first anyway
        order.remove("FROM")
        order.insert(0, "FROM")
    out = []
    for rank, keyword in enumerate(order):
        if ctx.onbuild and keyword in k.NOT_TRIGGERS:
            continue
        description, body = k.INSTRUCTIONS[keyword]
        word = keyword.lower() if lower else keyword
        plain = word if ctx.followed else f"{word} "
        snippet = None
        if body is not None and not ctx.followed:
            if lower and keyword == "FROM":
                body = body.replace(" AS ", " as ")
            snippet = f"{word} {body}"
        out.append(
            Candidate(
                label=word,
                kind=ItemKind.KEYWORD,
                insert=plain,
                snippet=snippet,
                detail="Dockerfile instruction",
                documentation=description,
                sort=f"{rank:02d}",
                deprecated=keyword in k.DEPRECATED_INSTRUCTIONS,
            )
        )
    return out


def _lower_case_style(df: Dockerfile, ctx: Context) -> bool:
    """Whether the file writes its instructions in lower case (BuildKit wants one casing)."""
    for instr in df.instructions[:3]:
        if instr is not ctx.instruction and instr.keyword.isalpha():
            return instr.keyword.islower()
    return False


# -- flags --------------------------------------------------------------------------------


def _flags(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    kind = ctx.kind or ""
    allowed = FLAGS.get(kind, {})
    line = df.lines[ctx.end.line]
    has_equals = line[ctx.end.col : ctx.end.col + 1] == "="
    out = []
    for rank, (name, flag_type) in enumerate(allowed.items()):
        if flag_type != "strings" and name in ctx.other_flags:
            continue
        if name == "from" and ctx.onbuild:
            continue  # resolved in the downstream build: our stages mean nothing there
        text = f"--{name}" if flag_type == BOOL or has_equals else f"--{name}="
        out.append(
            Candidate(
                label=f"--{name}",
                kind=ItemKind.FLAG,
                insert=text,
                detail=f"{kind} flag",
                documentation=k.FLAG_DOCS.get(name),
                sort=f"5{rank:02d}",
            )
        )
    if kind == "RUN" and not has_equals:
        out.append(
            Candidate(
                label="--mount=type=cache",
                kind=ItemKind.FLAG,
                insert="--mount=type=cache,target=",
                detail="RUN flag",
                documentation="A cache mount: downloads and build caches survive between "
                "builds and never end up in the image.",
                sort="500",
            )
        )
    return out


def _flag_values(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    kind, flag = ctx.kind, ctx.flag
    if kind == "COPY" and flag == "from":
        if ctx.onbuild:
            return []
        return _earlier_stages(df, ctx, catalog, by_index=True)
    if kind == "FROM" and flag == "platform":
        return [
            Candidate(value, ItemKind.VALUE, value, documentation=doc, sort=f"{i:02d}")
            for i, (value, doc) in enumerate(k.PLATFORM_VALUES)
        ]
    if kind == "RUN" and flag == "network":
        return _values(k.NETWORK_VALUES)
    if kind == "RUN" and flag == "security":
        return _values(k.SECURITY_VALUES)
    if flag is not None and FLAGS.get(kind or "", {}).get(flag) == BOOL:
        return _values(dict.fromkeys(k.BOOLEAN_VALUES, None))
    return []


def _values(values: dict[str, str | None]) -> list[Candidate]:
    return [
        Candidate(v, ItemKind.VALUE, v, documentation=doc, sort=f"{i:02d}")
        for i, (v, doc) in enumerate(values.items())
    ]


# -- RUN --mount ----------------------------------------------------------------------------


def _mount_keys(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    mount_type = ctx.mount.get("type")
    if mount_type is not None and mount_type.lower() not in MOUNT_TYPES:
        return []
    keys = MOUNT_KEYS[(mount_type or "bind").lower()]
    present = set(ctx.mount)
    for group in k.MOUNT_KEY_GROUPS:
        if present & group:
            present |= group
    line = df.lines[ctx.end.line]
    has_equals = line[ctx.end.col : ctx.end.col + 1] == "="
    out = []
    for rank, key in enumerate(keys):
        if key in k.MOUNT_KEY_ALIASES or key in present:
            continue
        bare = key in k.MOUNT_FLAG_KEYS or has_equals
        # Without a type the mount is a bind mount; `type` is what people want first.
        sort = "0" if key == "type" and mount_type is None else f"1{rank:02d}"
        out.append(
            Candidate(
                label=key,
                kind=ItemKind.PROPERTY,
                insert=key if bare else f"{key}=",
                detail=f"--mount key ({(mount_type or 'bind').lower()})",
                documentation=k.MOUNT_KEY_DOCS.get(key),
                sort=sort,
            )
        )
    return out


def _mount_values(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    key = ctx.key
    mount_type = (ctx.mount.get("type") or "bind").lower()
    if key == "type":
        return _values(dict(k.MOUNT_TYPE_DOCS))
    if key == "sharing":
        return _values(dict(k.SHARING_DOCS))
    if key == "from":
        if ctx.onbuild:
            return []
        return _earlier_stages(df, ctx, catalog, by_index=False)
    if key == "target" and mount_type == "cache":
        return [
            Candidate(
                path,
                ItemKind.FOLDER,
                path,
                detail=f"{what} cache",
                documentation=f"The {what} cache directory.",
                sort=f"{i:02d}",
            )
            for i, (path, what) in enumerate(k.CACHE_TARGETS)
        ]
    if key in k.MOUNT_FLAG_KEYS:
        return _values(dict.fromkeys(k.BOOLEAN_VALUES, None))
    return []


# -- stages ---------------------------------------------------------------------------------


def _earlier_stages(
    df: Dockerfile, ctx: Context, catalog: Catalog, *, by_index: bool
) -> list[Candidate]:
    """Stages defined before the one at the cursor: the only ones BuildKit lets you use."""
    current = ctx.stage
    if current is None:
        return []
    out = []
    seen: set[str] = set()
    for stage in df.stages[: current.index]:
        name = stage.name
        if name is None and not by_index:
            continue  # `--mount=from=0` is an image called "0", not stage 0
        label = name if name is not None else str(stage.index)
        if label in seen:
            continue  # a repeated name always means its first stage
        seen.add(label)
        size = _stage_base_size(stage, catalog)
        detail = f"stage {stage.index} · FROM {stage.base_text}"
        out.append(
            Candidate(
                label=label,
                kind=ItemKind.STAGE,
                insert=label,
                detail=f"{detail} · {size[0]}" if size else detail,
                documentation=_stage_doc(stage, size),
                description=size[0] if size else None,
                # The nearest stages first: a stage usually copies from the one just before.
                sort=f"{current.index - stage.index:04d}",
            )
        )
    return out


def _stage_base_size(stage: Stage, catalog: Catalog) -> tuple[str, str] | None:
    """The size of the image at the root of the stage's base chain, and that image."""
    seen: set[int] = set()
    current = stage
    while current.base_stage is not None and current.index not in seen:
        seen.add(current.index)
        current = current.base_stage
    ref = current.base_ref
    text = ref.text if ref is not None else current.base_text
    size = image_size(catalog, text)
    return (size, text) if size else None


def _stage_doc(stage: Stage, size: tuple[str, str] | None) -> str:
    from_ = stage.from_
    lines = [f"Stage {stage.index}, line {from_.start_line + 1}: `FROM {stage.base_text}`"]
    if stage.base_stage is not None:
        lines.append(f"Built on stage `{stage.base_stage.label}`.")
    if size is not None:
        lines.append(f"Base image `{size[1]}`: {size[0]} to download (offline catalog).")
    return "\n\n".join(lines)


@lru_cache(maxsize=1024)
def image_size(catalog: Catalog, text: str) -> str | None:
    """`47.9 MB` for an image reference, `≈ 48 MB` for an estimate; None when unknown."""
    ref = parse_image_ref(text)
    if ref is None:
        return None
    match = catalog.lookup(ref)
    return _size_text(match) if match is not None else None


def _size_text(match: CatalogMatch) -> str | None:
    size = match.preferred()
    if size is None:
        return None
    text = format_size(size.compressed_bytes)
    return text if match.exact and not match.approximate else f"≈ {text}"


# -- FROM -------------------------------------------------------------------------------------


def _arguments(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    kind = ctx.kind
    out: list[Candidate] = []
    if ctx.flag_position and ctx.prefix == "":
        out.extend(_flags(df, ctx, catalog))
    if kind == "FROM":
        out.extend(_from_argument(df, ctx, catalog))
    elif kind == "HEALTHCHECK" and ctx.index == 0:
        out.extend(_values(dict(k.HEALTHCHECK_TYPES)))
    elif kind == "STOPSIGNAL" and ctx.index == 0:
        out.extend(_values(dict(k.STOP_SIGNALS)))
    elif kind == "ARG" and "=" not in ctx.prefix:
        out.extend(_arg_names(df, ctx))
    return out


def _from_argument(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    if ctx.onbuild:
        return []
    if ctx.index == 0:
        return _stages_for_from(df, ctx, catalog) + _images(catalog)
    instr = ctx.instruction
    if ctx.index == 1:
        keyword = instr.keyword if instr is not None else "FROM"
        word = "as" if keyword.islower() else "AS"
        return [
            Candidate(
                word,
                ItemKind.KEYWORD,
                f"{word} ",
                detail="name this stage",
                documentation="Name the stage, so that `COPY --from=`, `FROM` and "
                "`docker build --target` can refer to it.",
            )
        ]
    if ctx.index == 2 and ctx.before[1].lower() == "as":
        return _stage_names(df, ctx)
    return []


def _stages_for_from(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    """Earlier named stages: `FROM builder` continues from that stage."""
    out = []
    for candidate in _earlier_stages(df, ctx, catalog, by_index=False):
        candidate.sort = f"0{candidate.sort}"
        candidate.documentation = (candidate.documentation or "") + (
            "\n\nContinues from that stage: its files, ENV and ARGs."
        )
        out.append(candidate)
    return out


def _images(catalog: Catalog) -> list[Candidate]:
    out = [
        Candidate(
            "scratch",
            ItemKind.IMAGE,
            "scratch",
            detail="empty image · 0 B",
            documentation="The empty image: for static binaries (Go, Rust) in the final stage.",
            description="0 B",
            sort="1scratch",
        )
    ]
    for name, tags, smallest in _image_summaries(catalog):
        detail = f"{tags} tags in the catalog"
        doc = f"`{name}`: {tags} tags with sizes in the offline catalog."
        if smallest is not None:
            detail += f" · from {smallest[1]}"
            doc += f" Smallest: `{name}:{smallest[0]}`, {smallest[1]}."
        out.append(
            Candidate(
                name,
                ItemKind.IMAGE,
                name,
                detail=detail,
                documentation=doc + " Type `:` for its tags.",
                description=smallest[1] if smallest else None,
                sort=f"2{name}",
            )
        )
    return out


@lru_cache(maxsize=4)
def _image_summaries(catalog: Catalog) -> tuple[tuple[str, int, tuple[str, str] | None], ...]:
    """Per catalog image: its tag count and smallest tag (computed once per catalog)."""
    out = []
    for name in catalog.images():
        tags = catalog.tags(name)
        best: tuple[int, str, str] | None = None
        for tag in tags:
            ref = parse_image_ref(f"{name}:{tag}")
            match = catalog.lookup(ref) if ref is not None else None
            size = match.preferred() if match is not None else None
            if size is None or size.compressed_bytes <= 0:
                continue
            if best is None or size.compressed_bytes < best[0]:
                best = (size.compressed_bytes, tag, format_size(size.compressed_bytes))
        out.append((name, len(tags), (best[1], best[2]) if best else None))
    return tuple(out)


def _image_tags(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    written = ctx.image or ""
    if "$" in written:
        return []
    ref = parse_image_ref(written)
    image = ref.short_name if ref is not None else written
    # In the last stage of a multi-stage build the image ships: small runtime tags first.
    stage = ctx.stage
    shipping = stage is not None and stage is df.final_stage and len(df.stages) > 1
    out = []
    for rank, tag in enumerate(catalog.tags(image)):
        tag_ref = parse_image_ref(f"{image}:{tag}")
        match = catalog.lookup(tag_ref) if tag_ref is not None else None
        size = _size_text(match) if match is not None else None
        parts = split_tag(tag)
        toolchain = toolchain_reason(tag_ref) if tag_ref is not None else None
        group = 0 if not shipping or (toolchain is None and runtime_rank(parts) == 0) else 1
        notes = []
        if toolchain is not None:
            notes.append(f"Build image: {toolchain}; keep it out of the final stage.")
        elif runtime_rank(parts) == 0:
            notes.append("A small runtime variant: a good base for the final stage.")
        if size is not None:
            preferred = match.preferred() if match is not None else None
            platform = preferred.platform if preferred is not None else "linux/amd64"
            notes.insert(0, f"`{image}:{tag}`: {size} to download ({platform}, offline catalog).")
        out.append(
            Candidate(
                tag,
                ItemKind.TAG,
                tag,
                detail=f"{image}:{tag} · {size}" if size else f"{image}:{tag}",
                documentation="\n\n".join(notes) or None,
                description=size,
                sort=f"{group}{rank:03d}",
            )
        )
    return out


def _stage_names(df: Dockerfile, ctx: Context) -> list[Candidate]:
    used = {s.name for s in df.stages if s is not ctx.stage and s.name is not None}
    final = ctx.stage is not None and ctx.stage is df.final_stage and len(df.stages) > 1
    out = []
    for rank, (name, doc) in enumerate(k.STAGE_NAMES):
        if name in used:
            continue
        # In the last stage of a multi-stage file the names of a shipping stage come first.
        first = (name in k.FINAL_STAGE_NAMES) == final
        out.append(
            Candidate(
                name,
                ItemKind.STAGE,
                name,
                detail="stage name",
                documentation=doc,
                sort=f"{0 if first else 1}{rank:02d}",
            )
        )
    return out


# -- ARG names ---------------------------------------------------------------------------------


def _arg_names(df: Dockerfile, ctx: Context) -> list[Candidate]:
    """Inside a stage: global ARGs to redeclare (to inherit their default) and the
    automatic platform ARGs, which a stage must declare before using them."""
    stage = ctx.stage
    if stage is None or ctx.onbuild:
        return []
    declared: set[str] = set()
    for instr in stage.instructions:
        if instr is ctx.instruction:
            break
        if isinstance(instr, KeyValueInstruction) and instr.kind == "ARG":
            declared.update(p.key.value for p in instr.pairs)
    out = []
    for i, (name, definition) in enumerate(global_scope(df).vars.items()):
        if name in declared:
            continue
        default = definition.value
        out.append(
            Candidate(
                name,
                ItemKind.VARIABLE,
                name,
                detail="global ARG" + (f" = {default}" if default else ""),
                documentation="Declared before the first FROM: a stage sees it only after "
                f"`ARG {name}`, which inherits the global default.",
                sort=f"0{i:03d}",
            )
        )
    for i, name in enumerate(_platform_args_ordered()):
        if name in declared:
            continue
        out.append(
            Candidate(
                name,
                ItemKind.VARIABLE,
                name,
                detail="automatic platform ARG",
                documentation="Set by BuildKit; a stage must declare it to use it.",
                sort=f"1{i:03d}",
            )
        )
    return out


def _platform_args_ordered() -> list[str]:
    rest = [a for a in PLATFORM_ARGS if a not in _COMMON_PLATFORM_ARGS]
    return [*_COMMON_PLATFORM_ARGS, *rest]


# -- variables ---------------------------------------------------------------------------------


def _variables(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    instr = ctx.instruction
    if instr is None or ctx.onbuild:
        return []
    closing = "}" if ctx.braced and not ctx.closed else ""
    runtime = ctx.kind in ("CMD", "ENTRYPOINT", "HEALTHCHECK")
    in_global = ctx.kind == "FROM" or instr.stage is None
    scope = _global_scope_above(df, instr.start_line) if in_global else scope_at(df, instr)
    out = []
    for i, (name, definition) in enumerate(scope.vars.items()):
        if runtime and definition.kind != "ENV":
            continue  # ARGs do not exist when the container runs
        out.append(_variable_item(name, definition, closing, f"0{i:03d}"))
    if runtime:
        return out
    stage = instr.stage
    for i, name in enumerate(_platform_args_ordered()):
        if name in scope.vars:
            continue
        edits: tuple[Edit, ...] = ()
        doc = "Set by BuildKit for FROM lines."
        if not in_global and stage is not None:
            # Inside a stage the ARG must be declared first: choosing it declares it.
            edits = (_declare_after_from(df, stage, name),)
            doc = f"Set by BuildKit; choosing it adds `ARG {name}` after this stage's FROM."
        out.append(
            Candidate(
                name,
                ItemKind.VARIABLE,
                name + closing,
                detail="automatic platform ARG",
                documentation=doc,
                sort=f"1{i:03d}",
                edits=edits,
            )
        )
    return out


def _global_scope_above(df: Dockerfile, line: int) -> Scope:
    scope = global_scope(df)
    return Scope(
        {
            name: d
            for name, d in scope.vars.items()
            if d.instruction is None or d.instruction.start_line < line
        }
    )


def _variable_item(name: str, definition: VarDef, closing: str, sort: str) -> Candidate:
    value = definition.value
    kind = definition.kind
    detail = kind + (f" = {value}" if value else "")
    where = definition.instruction
    doc = f"{kind} `{name}`"
    if where is not None:
        doc += f", line {where.start_line + 1}"
    if value:
        doc += f": `{value}`"
    return Candidate(
        name,
        ItemKind.VARIABLE,
        name + closing,
        detail=detail,
        documentation=doc,
        sort=sort,
    )


def _declare_after_from(df: Dockerfile, stage: Stage, name: str) -> Edit:
    from_: FromInstruction = stage.from_
    line = from_.end_line
    col = len(df.lines[line])
    eol = df.source.line_endings[line] or df.source.eol
    keyword = "arg" if from_.keyword.islower() else "ARG"
    return Edit(Span(Pos(line, col), Pos(line, col)), f"{eol}{keyword} {name}")


# -- parser directives and checks --------------------------------------------------------------


def _directives(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    line = df.lines[ctx.end.line]
    has_equals = line[ctx.end.col :].lstrip(" \t").startswith("=")
    return [
        Candidate(
            name,
            ItemKind.DIRECTIVE,
            name if has_equals else f"{name}=",
            detail="parser directive",
            documentation=doc,
            sort=f"{i:02d}",
        )
        for i, (name, doc) in enumerate(k.DIRECTIVES.items())
        if name not in ctx.present
    ]


def _directive_values(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    if ctx.key == "syntax":
        return _values(dict(k.SYNTAX_VALUES))
    if ctx.key == "escape":
        return _values(dict(k.ESCAPE_VALUES))
    return []


def _checks(df: Dockerfile, ctx: Context, catalog: Catalog) -> list[Candidate]:
    if ctx.key is None:
        line = df.lines[ctx.end.line]
        has_equals = line[ctx.end.col : ctx.end.col + 1] == "="
        return [
            Candidate(
                key,
                ItemKind.PROPERTY,
                key if has_equals else f"{key}=",
                detail="check option",
                documentation=doc,
                sort=f"{i:02d}",
            )
            for i, (key, doc) in enumerate(k.CHECK_KEYS.items())
        ]
    if ctx.key == "error":
        return _values(dict.fromkeys(k.BOOLEAN_VALUES, None))
    if ctx.key not in ("skip", "experimental"):
        return []
    names = _check_names()
    if ctx.key == "experimental":
        names = {n: d for n, d in names.items() if n in k.EXPERIMENTAL_CHECKS}
    present = set(ctx.present)
    out = [
        Candidate(
            "all",
            ItemKind.CHECK,
            "all",
            detail="every check",
            documentation="All checks." if ctx.key == "skip" else "All experimental checks.",
            sort="0",
        )
    ]
    if "all" in present:
        return []
    for name, doc in sorted(names.items()):
        if name in present:
            continue
        out.append(
            Candidate(
                name,
                ItemKind.CHECK,
                name,
                detail="BuildKit check",
                documentation=doc,
                sort=f"1{name}",
            )
        )
    return out


@lru_cache(maxsize=1)
def _check_names() -> dict[str, str]:
    """BuildKit's checks, plus any check name our rules implement under BuildKit's name."""
    from msb_lsp.rules import all_rules

    names = dict(k.BUILDKIT_CHECKS)
    for rule in all_rules():
        if rule.buildkit is not None and rule.buildkit not in names:
            names[rule.buildkit] = rule.summary
    return names


_HANDLERS = {
    Where.KEYWORD: _keywords,
    Where.FLAG: _flags,
    Where.FLAG_VALUE: _flag_values,
    Where.MOUNT_KEY: _mount_keys,
    Where.MOUNT_VALUE: _mount_values,
    Where.ARGUMENT: _arguments,
    Where.IMAGE_TAG: _image_tags,
    Where.VARIABLE: _variables,
    Where.DIRECTIVE: _directives,
    Where.DIRECTIVE_VALUE: _directive_values,
    Where.CHECK: _checks,
}
