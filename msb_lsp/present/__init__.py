"""What the user reads: hover text, inlay hint labels and code lens titles, composed from the
engine's answers (image sizes, stages). Pure Python: no pygls or lsprotocol; the server's
feature modules only translate these strings and spans to LSP.

- `markup`: a small document builder that renders Markdown or plain text.
- `targets`: which image reference or stage is at a position, with ARG defaults expanded.
- `image`: the size hover of an image, its inlay label and the final-image lens title.
- `stage`: the summary of a stage (base image and size, what it copies from, who uses it).
"""

from msb_lsp.present.image import (
    Lighter,
    RuntimeOption,
    image_hover,
    image_title,
    inlay_label,
    inlay_tooltip,
    lens_title,
    lighter_variants,
    runtime_options,
    size_text,
    slimmer_base,
    unresolved_hover,
)
from msb_lsp.present.markup import Doc
from msb_lsp.present.stage import StageSummary, stage_hover, summarize_stage
from msb_lsp.present.targets import (
    ImageSite,
    final_base,
    from_sites,
    image_site_at,
    image_sites,
    root_stage,
)

__all__ = [
    "Doc",
    "ImageSite",
    "Lighter",
    "RuntimeOption",
    "StageSummary",
    "final_base",
    "from_sites",
    "image_hover",
    "image_site_at",
    "image_sites",
    "image_title",
    "inlay_label",
    "inlay_tooltip",
    "lens_title",
    "lighter_variants",
    "root_stage",
    "runtime_options",
    "size_text",
    "slimmer_base",
    "stage_hover",
    "summarize_stage",
    "unresolved_hover",
]
