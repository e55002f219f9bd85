"""The summary of a stage shown when hovering its name (`AS build`) or a reference to it
(`COPY --from=build`, `FROM build`): what it is built on and how big that is, which stages
and images it copies from, who uses it, and whether a plain `docker build` builds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from msb_lsp.images.reference import ImageRef
from msb_lsp.images.sizes import SizeAnswer, SourceKind
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.stages import RefKind, RefStatus, Stage, StageRef
from msb_lsp.navigate.index import binds
from msb_lsp.navigate.usage import StageUsage, stage_usages
from msb_lsp.present.image import image_title, size_text
from msb_lsp.present.markup import Doc
from msb_lsp.present.targets import ImageSite, image_sites

__all__ = ["StageSummary", "stage_hover", "summarize_stage"]

Uses = tuple[tuple[Stage, tuple[str, ...]], ...]


@dataclass(frozen=True, eq=False)
class StageSummary:
    stage: Stage
    stage_count: int
    base_stages: tuple[Stage, ...]  # `FROM <stage>` chain, nearest first
    base_site: ImageSite | None  # the image at the root of the chain (None: no image)
    base_answer: SizeAnswer | None
    copies_from: Uses  # stages it copies or mounts from, and how
    copies_images: tuple[tuple[str, str], ...]  # images it copies or mounts from, and how
    users: Uses  # stages that use it, and how
    final: bool
    built_by_default: bool
    targets: tuple[str, ...]  # `--target` names that build it when the default build does not


def _how(ref: StageRef) -> str:
    if ref.kind == RefKind.MOUNT:
        return "RUN --mount"
    if ref.kind == RefKind.FROM:
        return "FROM"
    return f"{ref.instruction.kind} --from"


def _group(pairs: list[tuple[Stage, str]]) -> Uses:
    grouped: dict[int, tuple[Stage, list[str]]] = {}
    for stage, how in pairs:
        entry = grouped.setdefault(stage.index, (stage, []))
        if how not in entry[1]:
            entry[1].append(how)
    return tuple((stage, tuple(hows)) for stage, hows in grouped.values())


def summarize_stage(
    df: Dockerfile,
    stage: Stage,
    size_of: Callable[[ImageRef], SizeAnswer],
    usages: list[StageUsage] | None = None,
) -> StageSummary:
    """Everything the stage hover shows; `size_of` answers the base image's size."""
    chain: list[Stage] = []
    current = stage
    seen = {stage.index}
    while (base := current.base_stage) is not None and base.index not in seen:
        seen.add(base.index)
        chain.append(base)
        current = base
    root = current
    sites = image_sites(df)
    base_site = next((s for s in sites if s.kind == RefKind.FROM and s.stage is root), None)
    answer = size_of(base_site.ref) if base_site is not None and base_site.ref else None

    copies: list[tuple[Stage, str]] = []
    images: list[tuple[str, str]] = []
    for ref in stage.refs:
        if ref.kind == RefKind.FROM:
            continue
        if binds(ref) and ref.target is not None and ref.target is not stage:
            copies.append((ref.target, _how(ref)))
        elif ref.status == RefStatus.IMAGE and ref.text:
            pair = (ref.text, _how(ref))
            if pair not in images:
                images.append(pair)

    usage_list = usages if usages is not None else stage_usages(df)
    usage = usage_list[stage.index]
    users = tuple((s, tuple(hows)) for s, hows in usage.users)
    return StageSummary(
        stage=stage,
        stage_count=len(df.stages),
        base_stages=tuple(chain),
        base_site=base_site,
        base_answer=answer,
        copies_from=_group(copies),
        copies_images=tuple(images),
        users=users,
        final=usage.final,
        built_by_default=usage.built_by_default,
        targets=tuple(usage.targets),
    )


def _stage_name(doc: Doc, stage: Stage) -> str:
    return doc.code(stage.name) if stage.name is not None else doc.text(f"stage {stage.index}")


def _size_of_base(doc: Doc, answer: SizeAnswer) -> str:
    if answer.kind == SourceKind.SCRATCH:
        return doc.text("empty image, 0 B")
    size = answer.preferred()
    if size is None:
        return doc.text("size unknown") + (f" ({doc.text(answer.note)})" if answer.note else "")
    approximate = size.approximate or answer.approximate or not answer.exact
    platform = "" if size.platform == "any" else f" ({size.platform})"
    return doc.text(
        f"{size_text(size.compressed_bytes, approximate)} download{platform}, {answer.source}"
    )


def stage_hover(summary: StageSummary, *, markdown: bool) -> str:
    doc = Doc(markdown)
    stage = summary.stage
    title = f"Stage {doc.code(stage.name)}" if stage.name else doc.text(f"Stage {stage.index}")
    count = summary.stage_count
    position = doc.text(f"(index {stage.index}; {count} stage{'' if count == 1 else 's'})")
    doc.para(doc.bold(title), position)

    base_parts: list[str] = []
    if summary.base_stages:
        chain = " → ".join(_stage_name(doc, s) for s in summary.base_stages)
        base_parts = [doc.bold("Base:"), doc.text("stage"), chain + doc.text(", built on")]
    else:
        base_parts = [doc.bold("Base image:")]
    site = summary.base_site
    if site is None:
        base_parts.append(doc.text("none (no image could be determined)"))
    elif site.ref is None:
        if site.unknown:
            names = ", ".join(doc.code(n) for n in site.unknown)
            base_parts += [
                doc.code(site.written),
                doc.text("— chosen at build time (no default for ") + names + doc.text(")"),
            ]
        else:
            base_parts += [doc.code(site.written), doc.text("— not a valid image reference")]
    else:
        base_parts.append(doc.code(image_title(site.ref)))
        if summary.base_answer is not None:
            base_parts.append("— " + _size_of_base(doc, summary.base_answer))
    doc.para(*base_parts)

    copies = [
        f"stage {_stage_name(doc, s)} ({doc.text(', '.join(h))})" for s, h in summary.copies_from
    ]
    copies += [f"image {doc.code(text)} ({doc.text(how)})" for text, how in summary.copies_images]
    if copies:
        doc.bullets(doc.bold("Copies from:"), copies)
    else:
        doc.para(doc.bold("Copies from:"), doc.text("no other stage or image"))

    users = [f"{_stage_name(doc, s)} ({doc.text(', '.join(h))})" for s, h in summary.users]
    if users:
        doc.bullets(doc.bold("Used by:"), users)
    else:
        doc.para(doc.bold("Used by:"), doc.text("no other stage"))

    if summary.final:
        doc.para(doc.text("Final stage: a build without --target produces this image."))
    elif not summary.built_by_default:
        if summary.targets:
            targets = " or ".join(doc.code(f"--target {t}") for t in summary.targets)
            doc.para(doc.text("Not built by default: only with"), targets + ".")
        else:
            doc.para(
                doc.text(
                    "Never built: the final stage does not need it and it has no name for --target."
                )
            )
    return doc.render()
