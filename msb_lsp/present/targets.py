"""Which image a Dockerfile names where: every `FROM <image>`, `COPY --from=<image>` and
`RUN --mount=...,from=<image>` whose value is not a stage, with FROM's global ARG defaults
expanded, and the chain of stages down to the image a stage is built on.
"""

from __future__ import annotations

from dataclasses import dataclass

from msb_lsp.images.reference import ImageRef, has_variables, parse_image_ref
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Instruction
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import RefKind, RefStatus, Stage, StageRef
from msb_lsp.model.variables import expand, global_scope

__all__ = ["ImageSite", "final_base", "from_sites", "image_site_at", "image_sites", "root_stage"]

# FROM references that BuildKit pulls as images (`FROM Build` with a stage `build` pulls too).
_FROM_IMAGE = (RefStatus.IMAGE, RefStatus.CASE_MISMATCH)


@dataclass(frozen=True, eq=False)
class ImageSite:
    """An image reference as written in the Dockerfile.

    `resolved` is the reference after ARG expansion (None while a variable has no default;
    `unknown` names those variables); `ref` is the parsed reference, None when `resolved` is
    missing or is not a valid reference.
    """

    kind: RefKind
    span: Span
    written: str
    resolved: str | None
    ref: ImageRef | None
    unknown: tuple[str, ...]
    stage: Stage
    instruction: Instruction

    @property
    def expanded(self) -> bool:
        """True when build ARG defaults changed the text."""
        return self.resolved is not None and self.resolved != self.written


def _site(df: Dockerfile, ref: StageRef) -> ImageSite | None:
    if ref.kind == RefKind.FROM:
        if ref.status not in _FROM_IMAGE:
            return None
        word = ref.stage.from_.image
        written = word.text if word is not None else ref.text
        unknown: tuple[str, ...] = ()
        resolved: str | None = ref.text
        if has_variables(ref.text):
            expansion = expand(written, global_scope(df), df.escape)
            unknown = tuple(dict.fromkeys(expansion.unknown))
            resolved = None if unknown else expansion.text
    else:
        if ref.status != RefStatus.IMAGE:
            return None
        written = resolved = ref.text
        unknown = ()
    parsed = parse_image_ref(resolved) if resolved else None
    return ImageSite(
        kind=ref.kind,
        span=ref.span,
        written=written,
        resolved=resolved,
        ref=parsed,
        unknown=unknown,
        stage=ref.stage,
        instruction=ref.instruction,
    )


def image_sites(df: Dockerfile) -> list[ImageSite]:
    """Every image reference (not a stage) in document order of the stages."""
    sites = []
    for ref in df.refs:
        site = _site(df, ref)
        if site is not None:
            sites.append(site)
    return sites


def from_sites(df: Dockerfile) -> list[ImageSite]:
    """The `FROM <image>` references only, one per stage built on an image."""
    return [s for s in image_sites(df) if s.kind == RefKind.FROM]


def image_site_at(
    df: Dockerfile, pos: Pos, sites: list[ImageSite] | None = None
) -> ImageSite | None:
    """The image reference under `pos` (its end included, where the cursor sits after it);
    `sites` are `image_sites(df)` when the caller has them already."""
    for site in sites if sites is not None else image_sites(df):
        if site.span.start <= pos <= site.span.end:
            return site
    return None


def root_stage(stage: Stage) -> Stage:
    """Follow `FROM <stage>` down to the stage whose FROM names an image (or nothing)."""
    seen = {stage.index}
    current = stage
    while (base := current.base_stage) is not None and base.index not in seen:
        seen.add(base.index)
        current = base
    return current


def final_base(df: Dockerfile) -> tuple[Stage, Stage, ImageSite | None] | None:
    """The final stage, the stage at the root of its base chain, and that stage's image."""
    final = df.final_stage
    if final is None:
        return None
    root = root_stage(final)
    site = root.base_ref and _site(df, root.base_ref)
    return final, root, site or None
