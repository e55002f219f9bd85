"""Image families: which images carry a toolchain, which language ecosystem an image serves,
and which smaller runtime images could run what a toolchain image builds.

Rules and refactorings use this to say "the final stage is a build image" and to offer a
runtime base. Only names and tag shapes are used; sizes come from the catalog when asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from msb_lsp.images.catalog import Catalog, load_catalog
from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.images.tags import TagParts, split_tag

__all__ = [
    "Alternative",
    "ecosystem",
    "is_toolchain_image",
    "runtime_alternatives",
    "sized_runtime_alternatives",
    "toolchain_reason",
]

_DOTNET = "mcr.microsoft.com/dotnet/"
# Images whose every tag ships a compiler or build tool.
_ALWAYS_TOOLCHAIN = {
    "golang": "the Go toolchain",
    "rust": "the Rust toolchain (cargo, rustc)",
    "gcc": "the GCC compilers",
    "maven": "Maven and a full JDK",
    "gradle": "Gradle and a full JDK",
    "buildpack-deps": "compilers and development headers",
    "composer": "Composer and a PHP CLI build environment",
}
# Java images that are a JDK unless the tag says `jre`.
_JDK_UNLESS_JRE = {"openjdk", "eclipse-temurin", "amazoncorretto", "sapmachine"}
# Images whose plain/full tags are built on buildpack-deps (compilers included).
_FULL_IS_TOOLCHAIN = {"node", "python", "ruby"}
_ECOSYSTEMS: dict[str, str] = {
    "node": "node",
    "golang": "go",
    "python": "python",
    "pypy": "python",
    "rust": "rust",
    "eclipse-temurin": "java",
    "openjdk": "java",
    "maven": "java",
    "gradle": "java",
    "amazoncorretto": "java",
    "ibm-semeru-runtimes": "java",
    "sapmachine": "java",
    "tomcat": "java",
    "cgr.dev/chainguard/node": "node",
    "cgr.dev/chainguard/python": "python",
    "cgr.dev/chainguard/jre": "java",
    "cgr.dev/chainguard/jdk": "java",
    "cgr.dev/chainguard/maven": "java",
    "cgr.dev/chainguard/go": "go",
    "cgr.dev/chainguard/rust": "rust",
}
_DISTROLESS_ECOSYSTEM = (
    (re.compile(r"gcr\.io/distroless/nodejs\d*(-debian\d+)?"), "node"),
    (re.compile(r"gcr\.io/distroless/python3(-debian\d+)?"), "python"),
    (re.compile(r"gcr\.io/distroless/java\d*(-debian\d+)?"), "java"),
)
_DEBIAN_NUMBER = {"bullseye": 11, "bookworm": 12, "trixie": 13}
# The Debian release official images default to since Aug 2025. A binary built on an older
# release also runs on a newer glibc, so this default is safe for older build images too.
_DEFAULT_CODENAME = "trixie"
_DEFAULT_JAVA = 21  # LTS, when the tag does not say which Java a build image has


def _tokens(parts: TagParts) -> set[str]:
    return set(parts.flavor)


def _has_jdk_token(parts: TagParts) -> bool:
    return any(t == "jdk" or t.startswith("jdk") for t in parts.flavor)


def _has_jre_token(parts: TagParts) -> bool:
    return any(t == "jre" or t.startswith("jre") for t in parts.flavor)


def toolchain_reason(ref: ImageRef) -> str | None:
    """Why `ref` is a build (toolchain) image, as a short phrase; None if it is not one."""
    image = ref.short_name
    parts = split_tag(ref.effective_tag)
    tokens = _tokens(parts)
    if image in _ALWAYS_TOOLCHAIN:
        return f"{image} images contain {_ALWAYS_TOOLCHAIN[image]}"
    if image == f"{_DOTNET}sdk":
        return "the .NET SDK image contains the compilers and build tools"
    if image in _JDK_UNLESS_JRE and not _has_jre_token(parts):
        return f"{image}:{ref.effective_tag} is a full JDK"
    if _has_jdk_token(parts):
        return f"the {ref.effective_tag} tag is a full JDK"
    if tokens & {"sdk", "builder", "devel", "dev"}:
        return f"the {ref.effective_tag} tag is a build variant"
    if image in _FULL_IS_TOOLCHAIN and not tokens & {"slim", "alpine"}:
        return f"the full {image} image includes compilers and build tools (use -slim/-alpine)"
    if image == "swift" and "slim" not in tokens:
        return "swift images other than -slim contain the Swift toolchain"
    if image == "haskell":
        return "haskell images contain GHC, cabal and stack"
    return None


def is_toolchain_image(ref: ImageRef) -> bool:
    """True for images meant for building, not for running: golang, rust, gcc, maven, gradle,
    JDK images, the .NET SDK, full node/python/ruby (without -slim/-alpine), ..."""
    return toolchain_reason(ref) is not None


def ecosystem(ref: ImageRef) -> str | None:
    """ "node", "go", "python", "rust", "java" or "dotnet"; None for other images."""
    image = ref.short_name
    if image.startswith(_DOTNET):
        return "dotnet"
    if image in _ECOSYSTEMS:
        return _ECOSYSTEMS[image]
    for pattern, name in _DISTROLESS_ECOSYSTEM:
        if pattern.fullmatch(image):
            return name
    return None


def _java_version(image: str, parts: TagParts) -> int:
    for token in parts.flavor:
        match = re.fullmatch(r"(?:jdk|jre)(\d+)", token)
        if match:
            return int(match.group(1))
    if image in {"maven", "gradle", "ibm-semeru-runtimes"}:
        # maven:3-eclipse-temurin-21, ibm-semeru-runtimes:open-21-jdk
        numbers = [int(t) for t in parts.flavor if t.isdigit() and int(t) >= 8]
        if numbers:
            return numbers[-1]
        return _DEFAULT_JAVA
    if parts.major is not None and parts.major >= 8:
        return parts.major
    return _DEFAULT_JAVA


def _newest_alpine(catalog: Catalog) -> str:
    versions = [t for t in catalog.tags("alpine") if split_tag(t).version is not None]
    return f"alpine:{versions[0]}" if versions else "alpine:latest"


def _with_version(image: str, version: str | None, suffix: str) -> str:
    """`node:20-alpine`, or `node:alpine` for an unversioned (latest) tag."""
    if version is None:
        return f"{image}:{suffix}"
    return f"{image}:{version}-{suffix}"


def runtime_alternatives(ref: ImageRef, catalog: Catalog | None = None) -> list[str]:
    """Smaller images that can run what the build image `ref` produces, best first.

    Empty for images that are not build images. Examples: `node:20` → `node:20-alpine`,
    `node:20-slim`; `golang:1.22` → `scratch`, `gcr.io/distroless/static-debian12`, a pinned
    alpine; `maven`/JDK images → `eclipse-temurin:<java>-jre`; .NET SDK → aspnet/runtime;
    rust/gcc → debian `<release>-slim` and distroless `cc` of the same Debian release (a
    glibc-linked binary needs a glibc at least as new as the one it was built against).
    """
    if not is_toolchain_image(ref):
        return []
    catalog = catalog or load_catalog()
    image = ref.short_name
    parts = split_tag(ref.effective_tag)
    version = parts.version_text
    if version is None and parts.flavor and parts.flavor[0] != "alpine":
        channel = parts.flavor[0]  # node:lts → node:lts-alpine
    else:
        channel = None
    base = version or channel
    codename = parts.codename
    out: list[str] = []

    if image == "node":
        out += [_with_version("node", base, "alpine")]
        out += [_with_version("node", base, f"{codename}-slim" if codename else "slim")]
        if parts.major is not None:
            distroless = f"gcr.io/distroless/nodejs{parts.major}-debian12"
            if distroless in catalog.images():
                out.append(distroless)
    elif image in {"python", "ruby"}:
        out += [_with_version(image, base, f"slim-{codename}" if codename else "slim")]
        out += [_with_version(image, base, "alpine")]
    elif image == "golang":
        out += ["scratch", "gcr.io/distroless/static-debian12"]
        if "alpine" in parts.flavor and parts.distro_version:
            out.append(f"alpine:{parts.distro_version}")
        else:
            out.append(_newest_alpine(catalog))
    elif image in {"rust", "gcc"}:
        if "alpine" in parts.flavor:
            out += [
                "scratch",
                f"alpine:{parts.distro_version}"
                if parts.distro_version
                else _newest_alpine(catalog),
            ]
        else:
            release = codename or _DEFAULT_CODENAME
            out.append(f"debian:{release}-slim")
            number = _DEBIAN_NUMBER.get(release)
            if number is not None:
                out.append(f"gcr.io/distroless/cc-debian{number}")
    elif image == f"{_DOTNET}sdk":
        tag = ref.tag if ref.tag is not None else "latest"
        out += [f"{_DOTNET}aspnet:{tag}", f"{_DOTNET}runtime:{tag}", f"{_DOTNET}runtime-deps:{tag}"]
    elif image in _JDK_UNLESS_JRE | {"maven", "gradle", "ibm-semeru-runtimes", "sapmachine"}:
        java = _java_version(image, parts)
        out += [f"eclipse-temurin:{java}-jre", f"eclipse-temurin:{java}-jre-alpine"]
        distroless = f"gcr.io/distroless/java{java}-debian12"
        if distroless in catalog.images():
            out.append(distroless)
    elif image == "swift":
        out.append(_with_version("swift", version, "slim"))
    elif image.startswith("cgr.dev/") and "dev" in parts.flavor:
        # Chainguard: `latest-dev` adds a shell and package manager to `latest`.
        out.append(f"{image}:{ref.effective_tag.removesuffix('-dev')}")
    elif image == "buildpack-deps":
        out.append(f"debian:{codename or _DEFAULT_CODENAME}-slim")
    # Drop anything that does not parse (defensive: tags built from odd input).
    return [alt for alt in dict.fromkeys(out) if parse_image_ref(alt) is not None]


@dataclass(frozen=True)
class Alternative:
    """A runtime alternative with its catalog size on linux/amd64 (or `any`) when known.

    `exact` is False when the size is the estimate of a neighbouring tag (`matched_ref`).
    """

    ref: str
    compressed_bytes: int | None
    exact: bool
    approximate: bool
    matched_ref: str | None


def sized_runtime_alternatives(ref: ImageRef, catalog: Catalog | None = None) -> list[Alternative]:
    """`runtime_alternatives(ref)` with sizes from the offline catalog where known."""
    catalog = catalog or load_catalog()
    out = []
    for text in runtime_alternatives(ref, catalog):
        alt_ref = parse_image_ref(text)
        match = catalog.lookup(alt_ref) if alt_ref is not None else None
        size = match.preferred() if match is not None else None
        out.append(
            Alternative(
                ref=text,
                compressed_bytes=size.compressed_bytes if size is not None else None,
                exact=bool(match and match.exact),
                approximate=bool(match and match.approximate),
                matched_ref=match.matched_ref if match is not None else None,
            )
        )
    return out
