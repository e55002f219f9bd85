"""Image references (`node:20-alpine`, `gcr.io/distroless/static@sha256:…`) parsed the way
Docker normalizes them, keeping the offsets of every part as written.

The rules follow distribution/reference (`ParseNormalizedNamed`): the first path component is a
registry host only if it contains `.` or `:`, is `localhost`, or has upper-case letters;
otherwise the registry is Docker Hub (`docker.io`) and a one-component name gets the implied
`library/` namespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["DOCKER_HUB", "ImageRef", "has_variables", "parse_image_ref"]

DOCKER_HUB = "docker.io"
_LEGACY_HUB = "index.docker.io"
_OFFICIAL_PREFIX = "library/"
_NAME_TOTAL_MAX = 255

_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PATH_RE = re.compile(rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*")
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_RE = re.compile(
    rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
)
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
# go-digest only accepts these algorithms, with lower-case hex of a fixed length.
_DIGEST_HEX_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
_HEX64_RE = re.compile(r"[a-f0-9]{64}")
_VARIABLE_RE = re.compile(r"(?<!\\)\$(?:\{|[A-Za-z_])")
_WHITESPACE_RE = re.compile(r"\s")

Range = tuple[int, int]


@dataclass(frozen=True)
class ImageRef:
    """A normalized image reference.

    Ranges are half-open `(start, end)` offsets in code points into `text`; `None` for a part
    that is not written (e.g. the implied `docker.io` registry). `name_range` covers the
    repository path as written after the registry (`node` in `docker.io/node`), `tag_range` the
    tag without its `:`, `digest_range` the digest without its `@`.
    """

    text: str
    registry: str
    repository: str
    tag: str | None
    digest: str | None
    registry_range: Range | None
    name_range: Range
    tag_range: Range | None
    digest_range: Range | None

    @property
    def short_name(self) -> str:
        """The name as users write it: `node`, `bitnami/redis`, `gcr.io/distroless/static`."""
        if self.registry == DOCKER_HUB:
            if self.repository.startswith(_OFFICIAL_PREFIX):
                return self.repository[len(_OFFICIAL_PREFIX) :]
            return self.repository
        return f"{self.registry}/{self.repository}"

    @property
    def effective_tag(self) -> str:
        """The tag a pull would use when no digest is given: `latest` when none is written."""
        return self.tag if self.tag is not None else "latest"

    @property
    def is_docker_hub(self) -> bool:
        return self.registry == DOCKER_HUB

    @property
    def is_official(self) -> bool:
        """A Docker Official Image (`docker.io/library/...`)."""
        return self.is_docker_hub and self.repository.startswith(_OFFICIAL_PREFIX)

    @property
    def is_scratch(self) -> bool:
        """`FROM scratch`: BuildKit only treats the exact word as the empty image."""
        return self.text == "scratch"

    @property
    def full_name_range(self) -> Range:
        """From the registry (if written) to the end of the repository path."""
        start = self.registry_range[0] if self.registry_range else self.name_range[0]
        return (start, self.name_range[1])

    @property
    def canonical(self) -> str:
        """Fully qualified form, e.g. `docker.io/library/node:20`."""
        out = f"{self.registry}/{self.repository}"
        if self.tag is not None or self.digest is None:
            out += f":{self.effective_tag}"
        if self.digest is not None:
            out += f"@{self.digest}"
        return out

    def display(self, *, abbreviate_digest: bool = True) -> str:
        """Human form: `node:20-alpine`, `node@sha256:0123456789ab` (digest shortened)."""
        out = self.short_name
        if self.tag is not None:
            out += f":{self.tag}"
        if self.digest is not None:
            digest = self.digest
            if abbreviate_digest:
                algo, _, hexpart = digest.partition(":")
                digest = f"{algo}:{hexpart[:12]}"
            out += f"@{digest}"
        return out

    def with_tag(self, tag: str) -> ImageRef:
        """The same image with another tag (no digest); offsets refer to the new text."""
        parsed = parse_image_ref(f"{self.short_name}:{tag}")
        if parsed is None:
            raise ValueError(f"invalid tag {tag!r}")
        return parsed

    def __str__(self) -> str:
        return self.display(abbreviate_digest=False)


def has_variables(text: str) -> bool:
    """True when `text` contains an unescaped `$NAME` or `${...}` (a build ARG to resolve)."""
    return _VARIABLE_RE.search(text) is not None


def _valid_digest(digest: str) -> bool:
    if _DIGEST_RE.fullmatch(digest) is None:
        return False
    algo, _, hexpart = digest.partition(":")
    expected = _DIGEST_HEX_LENGTHS.get(algo)
    return expected is not None and len(hexpart) == expected and hexpart == hexpart.lower()


@lru_cache(maxsize=1024)  # pure, and asked for the same few references on every keystroke
def parse_image_ref(text: str) -> ImageRef | None:
    """Parse and normalize `text`; None when it is empty or not a valid reference.

    Text with `$` variables is simply invalid here; check `has_variables` first to tell the
    two apart.
    """
    if not text or _WHITESPACE_RE.search(text):
        return None

    digest: str | None = None
    digest_range: Range | None = None
    before_digest = text
    at = text.find("@")
    if at != -1:
        digest = text[at + 1 :]
        if not _valid_digest(digest):
            return None
        digest_range = (at + 1, len(text))
        before_digest = text[:at]

    tag: str | None = None
    tag_range: Range | None = None
    name_text = before_digest
    colon = before_digest.rfind(":")
    if colon > before_digest.rfind("/"):
        tag = before_digest[colon + 1 :]
        if _TAG_RE.fullmatch(tag) is None:
            return None
        tag_range = (colon + 1, len(before_digest))
        name_text = before_digest[:colon]

    if not name_text or len(name_text) > _NAME_TOTAL_MAX:
        return None
    # Docker refuses a bare 64-hex name: it would be confused with an image ID.
    if _HEX64_RE.fullmatch(name_text):
        return None

    registry_range: Range | None = None
    slash = name_text.find("/")
    first = name_text[:slash] if slash != -1 else ""
    if slash != -1 and (
        any(c in first for c in ".:") or first == "localhost" or first.lower() != first
    ):
        if _DOMAIN_RE.fullmatch(first) is None:
            return None
        registry = first
        registry_range = (0, slash)
        path = name_text[slash + 1 :]
        name_range = (slash + 1, len(name_text))
    else:
        registry = DOCKER_HUB
        path = name_text
        name_range = (0, len(name_text))

    if _PATH_RE.fullmatch(path) is None:
        return None
    if registry == _LEGACY_HUB:
        registry = DOCKER_HUB
    repository = path
    if registry == DOCKER_HUB and "/" not in path:
        repository = _OFFICIAL_PREFIX + path

    return ImageRef(
        text=text,
        registry=registry,
        repository=repository,
        tag=tag,
        digest=digest,
        registry_range=registry_range,
        name_range=name_range,
        tag_range=tag_range,
        digest_range=digest_range,
    )
