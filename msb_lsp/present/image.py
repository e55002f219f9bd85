"""How an image's size reads: the hover (per-platform download sizes, layers, dates, where the
figures come from, an on-disk estimate, lighter variants), the inlay label, and the title of
the final image's code lens.

All sizes are compressed download sizes in decimal units (`format_size`). A figure that is not
the image's own (the closest catalog tag, a rounded third-party number) is marked `≈` and
called an estimate; the on-disk size is only ever an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

from msb_lsp.images.catalog import Catalog, PlatformSize, estimate_on_disk, format_size
from msb_lsp.images.families import is_toolchain_image, sized_runtime_alternatives
from msb_lsp.images.platforms import ANY_PLATFORM
from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.images.sizes import SizeAnswer, SourceKind
from msb_lsp.present.markup import Doc

__all__ = [
    "Lighter",
    "RuntimeOption",
    "image_hover",
    "image_title",
    "inlay_label",
    "inlay_tooltip",
    "lens_title",
    "lighter_variants",
    "runtime_options",
    "size_text",
    "slimmer_base",
    "unresolved_hover",
]

_SIZE_KIND_NOTES = {
    "from-on-disk": "scaled down from an on-disk figure",
    "unspecified": "the source did not say whether it is compressed or on disk",
}


@dataclass(frozen=True)
class Lighter:
    """A smaller image and what it saves against the hovered one, on `platform`."""

    ref: str
    compressed_bytes: int
    saved_bytes: int
    approximate: bool
    platform: str


@dataclass(frozen=True)
class RuntimeOption:
    """A runtime image for the final stage of a build image; sizes None when unknown."""

    ref: str
    compressed_bytes: int | None
    saved_bytes: int | None
    approximate: bool


def size_text(n: int, approximate: bool = False) -> str:
    """`48.0 MB`, or `≈ 48.0 MB` for an estimate."""
    return ("≈ " if approximate else "") + format_size(n)


def _approximate(answer: SizeAnswer, size: PlatformSize) -> bool:
    return size.approximate or answer.approximate or not answer.exact


def image_title(ref: ImageRef) -> str:
    """How the image is named in hovers and lenses: `node:20-alpine`, `node` (no tag)."""
    return ref.display()


def _short_digest(digest: str) -> str:
    algo, _, hexpart = digest.partition(":")
    return f"{algo}:{hexpart[:12]}"


# -- comparisons -----------------------------------------------------------------------------


def lighter_variants(answer: SizeAnswer, catalog: Catalog) -> list[Lighter]:
    """Smaller tags of the same image (same version where the catalog has them), with what
    each saves against the answer's first platform figure; smallest first."""
    base = answer.preferred()
    if base is None or base.compressed_bytes == 0 or answer.kind == SourceKind.SCRATCH:
        return []
    out = []
    for variant in catalog.lighter_variants(answer.ref):
        parsed = parse_image_ref(variant.ref)
        match = catalog.lookup(parsed) if parsed is not None else None
        size = match.for_platform(base.platform) if match is not None else None
        if size is None:
            continue
        saved = base.compressed_bytes - size.compressed_bytes
        if saved <= 0:
            continue
        out.append(
            Lighter(
                ref=variant.ref,
                compressed_bytes=size.compressed_bytes,
                saved_bytes=saved,
                approximate=size.approximate or _approximate(answer, base),
                platform=base.platform,
            )
        )
    return sorted(out, key=lambda v: (v.compressed_bytes, v.ref))


def runtime_options(answer: SizeAnswer, catalog: Catalog) -> list[RuntimeOption]:
    """For a build (toolchain) image: smaller images that can run what it builds, best
    first, with what each saves against the answer's first figure where both are known."""
    if not is_toolchain_image(answer.ref):
        return []
    base = answer.preferred()
    out = []
    for alt in sized_runtime_alternatives(answer.ref, catalog):
        saved = None
        if base is not None and alt.compressed_bytes is not None:
            saved = base.compressed_bytes - alt.compressed_bytes
        approximate = alt.approximate or not alt.exact
        if base is not None and _approximate(answer, base):
            approximate = True
        out.append(RuntimeOption(alt.ref, alt.compressed_bytes, saved, approximate))
    return out


def slimmer_base(answer: SizeAnswer, catalog: Catalog) -> Lighter | None:
    """The base that would make the final image smaller: for a build image the best runtime
    image that is smaller, otherwise the lightest variant of the same image."""
    base = answer.preferred()
    if base is None:
        return None
    for option in runtime_options(answer, catalog):
        if option.compressed_bytes is not None and option.saved_bytes and option.saved_bytes > 0:
            return Lighter(
                option.ref,
                option.compressed_bytes,
                option.saved_bytes,
                option.approximate,
                base.platform,
            )
    variants = lighter_variants(answer, catalog)
    return variants[0] if variants else None


# -- inlay hints and lenses ------------------------------------------------------------------


def inlay_label(answer: SizeAnswer) -> str | None:
    """The download size shown after a FROM image, or None when it is unknown."""
    size = answer.preferred()
    if size is None:
        return None
    return size_text(size.compressed_bytes, _approximate(answer, size))


def inlay_tooltip(answer: SizeAnswer) -> str:
    """One line per platform, then where the figures come from."""
    if answer.kind == SourceKind.SCRATCH:
        return "scratch: the empty image, nothing to download"
    lines = [
        f"{_platform_label(p.platform)}: {size_text(p.compressed_bytes, _approximate(answer, p))}"
        for p in answer.platforms
    ]
    lines += [f"{platform}: no figure" for platform in answer.missing_platforms]
    lines.append(f"compressed download size; source: {answer.source}")
    return "\n".join(lines)


def lens_title(answer: SizeAnswer, catalog: Catalog, via: str | None = None) -> str:
    """`final image base: node:20 397.7 MB — node:20-alpine would save 349.8 MB`."""
    name = image_title(answer.ref)
    where = f" (through stage {via})" if via else ""
    if answer.kind == SourceKind.SCRATCH:
        return f"final image base: scratch 0 B{where} (empty image)"
    base = answer.preferred()
    if base is None:
        return f"final image base: {name}{where}, size unknown"
    size = size_text(base.compressed_bytes, _approximate(answer, base))
    title = f"final image base: {name} {size}{where}"
    slimmer = slimmer_base(answer, catalog)
    if slimmer is not None:
        saved = size_text(slimmer.saved_bytes, slimmer.approximate)
        title += f" — {slimmer.ref} would save {saved}"
    return title


# -- hover -----------------------------------------------------------------------------------


def _platform_label(platform: str) -> str:
    return "any platform" if platform == ANY_PLATFORM else platform


def image_hover(
    answer: SizeAnswer,
    catalog: Catalog,
    *,
    markdown: bool,
    written: str | None = None,
    pending: bool = False,
    waited_ms: int | None = None,
) -> str:
    """The hover of an image reference.

    `written` is the reference as written when build ARG defaults changed it; `pending` says
    that a registry lookup is still running in the background (after the hover waited
    `waited_ms` for it).
    """
    doc = Doc(markdown)
    ref = answer.ref
    name = image_title(ref)
    if answer.kind == SourceKind.SCRATCH:
        doc.para(doc.bold(doc.code("scratch")), "— the empty image")
        doc.para(
            doc.text(
                "0 B download, no layers: nothing is pulled. The stage contains only what "
                "it copies in."
            )
        )
        return doc.render()

    heading = doc.bold(doc.code(name))
    doc.para(heading, "— compressed download size" if answer.found else "— size unknown")
    if written is not None and written != ref.text:
        doc.para(
            doc.text("With the global ARG defaults,"),
            doc.code(written),
            doc.text("is"),
            doc.code(ref.text) + ".",
        )
    if ref.tag is None and ref.digest is None:
        doc.para(doc.text("No tag: a pull uses"), doc.code(f"{name}:latest") + ".")

    if answer.found:
        if answer.kind == SourceKind.ESTIMATE:
            doc.para(
                doc.bold("Estimate:"),
                doc.text("the catalog has no figure for"),
                doc.code(name) + doc.text("; these are the figures of the closest known tag"),
                doc.code(answer.matched_ref or "?") + ".",
            )
        elif answer.approximate:
            doc.para(doc.bold("Approximate:"), doc.text("a rounded third-party figure."))
        _platform_table(doc, answer)
        _source(doc, answer)
        base = answer.preferred()
        if base is not None and base.compressed_bytes > 0:
            est = estimate_on_disk(base.compressed_bytes)
            where = "" if base.platform == ANY_PLATFORM else f" ({base.platform})"
            doc.para(
                doc.bold("On disk (estimate):"),
                doc.text(
                    f"≈ {format_size(est.low_bytes)}–{format_size(est.high_bytes)}{where}, "
                    f"assuming the download is {est.ratio_low:.2f}–{est.ratio_high:.2f} × the "
                    "unpacked size; not a measurement."
                ),
            )
    if answer.note:
        doc.para(doc.bold("Note:"), doc.text(answer.note))
    if pending:
        waited = f" within {waited_ms} ms" if waited_ms is not None else ""
        doc.para(
            doc.text(
                f"The registry has not answered{waited}; asking it in the background: "
                "hover again for the live figure."
            )
        )
    if answer.found:
        _comparisons(doc, answer, catalog)
    return doc.render()


def _platform_table(doc: Doc, answer: SizeAnswer) -> None:
    rows = []
    footnotes = []
    for p in answer.platforms:
        size = size_text(p.compressed_bytes, _approximate(answer, p))
        layers = str(p.layers) if p.layers is not None else "—"
        date = doc.text(p.last_modified or "—")
        rows.append([doc.text(_platform_label(p.platform)), doc.text(size), layers, date])
        note = _SIZE_KIND_NOTES.get(p.size_kind)
        if note:
            footnotes.append(f"{_platform_label(p.platform)}: {note}")
        if p.includes_app:
            footnotes.append(f"{_platform_label(p.platform)}: measured with a sample app inside")
    for platform in answer.missing_platforms:
        rows.append([doc.text(platform), "no figure", "—", "—"])
    doc.table(["Platform", "Download", "Layers", "Date"], rows, right=(1, 2))
    for footnote in footnotes:
        doc.para(doc.text(footnote))


def _source(doc: Doc, answer: SizeAnswer) -> None:
    if answer.kind == SourceKind.REGISTRY:
        source = f"{answer.source}, fetched just now"
    else:
        source = answer.source
    parts = [doc.bold("Source:"), doc.text(source)]
    if answer.digest:
        parts += [doc.text("· digest"), doc.code(_short_digest(answer.digest))]
    doc.para(*parts)


def _comparisons(doc: Doc, answer: SizeAnswer, catalog: Catalog) -> None:
    variants = lighter_variants(answer, catalog)
    if variants:
        doc.bullets(
            doc.bold(f"Lighter variants ({variants[0].platform}):"),
            (
                f"{doc.code(v.ref)} {doc.text(size_text(v.compressed_bytes, v.approximate))}, "
                f"{doc.text(size_text(v.saved_bytes, v.approximate))} less"
                for v in variants
            ),
        )
    listed = {v.ref for v in variants}
    options = [o for o in runtime_options(answer, catalog) if o.ref not in listed]
    if options:
        items = []
        for o in options:
            if o.compressed_bytes is None:
                items.append(f"{doc.code(o.ref)} size unknown")
                continue
            item = f"{doc.code(o.ref)} {doc.text(size_text(o.compressed_bytes, o.approximate))}"
            if o.saved_bytes is not None and o.saved_bytes > 0:
                item += f", {doc.text(size_text(o.saved_bytes, o.approximate))} less"
            items.append(item)
        doc.bullets(
            doc.bold("Runtime images for the final stage")
            + doc.text(" (build here, copy the result with COPY --from):"),
            items,
        )


def unresolved_hover(written: str, unknown: tuple[str, ...], *, markdown: bool) -> str:
    """The hover of a FROM image that depends on build arguments without a default."""
    doc = Doc(markdown)
    doc.para(doc.bold(doc.code(written)), "— " + doc.text("chosen at build time"))
    names = ", ".join(doc.code(n) for n in unknown)
    doc.para(
        doc.text("No default for"),
        names + doc.text(": the image (and its size) depends on"),
        doc.code("--build-arg") + doc.text("."),
    )
    return doc.render()
