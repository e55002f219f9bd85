"""Links from image references to their pages on the registry's website.

Images are the `FROM` bases and the `COPY --from=` / `RUN --mount=...,from=` values that are
not stages. Stage names and `scratch` never get a link; a `FROM ${BASE}` links to the image
its global ARG defaults expand to.
"""

from __future__ import annotations

from dataclasses import dataclass

from msb_lsp.images.reference import DOCKER_HUB, ImageRef, parse_image_ref
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefStatus
from msb_lsp.navigate.index import inner_span


@dataclass(frozen=True, slots=True)
class ImageLink:
    span: Span
    url: str
    image: ImageRef


def registry_page(ref: ImageRef) -> str | None:
    """The web page of an image's repository, for the registries that have one."""
    registry, repo = ref.registry, ref.repository
    if registry == DOCKER_HUB:
        if ref.is_official:
            return f"https://hub.docker.com/_/{ref.short_name}"
        return f"https://hub.docker.com/r/{repo}"
    if registry == "ghcr.io":
        return f"https://ghcr.io/{repo}"  # redirects to the package page on GitHub
    if registry == "quay.io":
        return f"https://quay.io/repository/{repo}"
    if registry == "gcr.io" or registry.endswith(".gcr.io"):
        return f"https://{registry}/{repo}"
    if registry == "mcr.microsoft.com":
        return f"https://mcr.microsoft.com/artifact/mar/{repo}"
    if registry == "public.ecr.aws":
        return f"https://gallery.ecr.aws/{repo}"
    return None


def image_links(df: Dockerfile) -> list[ImageLink]:
    links: list[ImageLink] = []
    source = df.source
    for ref in df.refs:
        if ref.status != RefStatus.IMAGE or ref.target is not None:
            continue
        image = parse_image_ref(ref.text)
        if image is None or image.is_scratch:
            continue
        url = registry_page(image)
        if url is None:
            continue
        span = inner_span(source, ref.span)
        if span.start.line == span.end.line and source.text_at(span) == ref.text:
            # Written as is: link the name (registry and repository), not the tag.
            start, end = image.full_name_range
            span = Span.on_line(span.start.line, span.start.col + start, span.start.col + end)
        links.append(ImageLink(span, url, image))
    return links
