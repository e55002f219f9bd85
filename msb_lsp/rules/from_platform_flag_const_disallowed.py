"""`FROM --platform=` with a constant value (BuildKit's FromPlatformFlagConstDisallowed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_PART = re.compile(r"[A-Za-z0-9_.-]+")
# containerd's known GOOS and GOARCH values.
_KNOWN_OS = frozenset(
    {
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "js",
        "linux",
        "nacl",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "windows",
        "zos",
    }
)
_KNOWN_ARCH = frozenset(
    {
        "386",
        "amd64",
        "amd64p32",
        "arm",
        "armbe",
        "arm64",
        "arm64be",
        "ppc64",
        "ppc64le",
        "loong64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "mips64p32",
        "mips64p32le",
        "ppc",
        "riscv",
        "riscv64",
        "s390",
        "s390x",
        "sparc",
        "sparc64",
        "wasm",
    }
)


@dataclass(frozen=True, slots=True)
class Platform:
    os: str
    arch: str
    variant: str = ""

    def format(self) -> str:
        """containerd's `FormatAll(Normalize(p))`: `linux/amd64`, `linux/arm/v7`."""
        return "/".join(p for p in (self.os, self.arch, self.variant) if p)


def parse_platform(text: str, default_arch: str = "amd64") -> Platform | None:
    """containerd's `platforms.Parse`, normalized; None where it fails. A lone OS takes
    `default_arch` (containerd uses the builder's own architecture)."""
    if "*" in text:
        return None
    parts = text.split("/")
    if not 1 <= len(parts) <= 3 or not all(_PART.fullmatch(p) for p in parts):
        return None
    os_name = _normalize_os(parts[0])
    if len(parts) == 1:
        if os_name in _KNOWN_OS:
            return Platform(os_name, default_arch)
        arch, variant = _normalize_arch(parts[0], "")
        if arch not in _KNOWN_ARCH:
            return None
        return Platform("linux", arch, "" if (arch, variant) == ("arm", "v7") else variant)
    arch, variant = _normalize_arch(parts[1], parts[2] if len(parts) == 3 else "")
    if len(parts) == 2 and (arch, variant) == ("arm", "v7"):
        variant = ""
    return Platform(os_name, arch, variant)


def normalized(platform: Platform) -> Platform:
    """containerd's `Normalize`: arm gets its default `v7`, arm64 drops `v8`."""
    arch, variant = _normalize_arch(platform.arch, platform.variant)
    return Platform(platform.os, arch, variant)


def _normalize_os(os_name: str) -> str:
    os_name = os_name.lower()
    return "darwin" if os_name == "macos" else os_name


def _normalize_arch(arch: str, variant: str) -> tuple[str, str]:
    arch, variant = arch.lower(), variant.lower()
    if arch == "i386":
        return "386", ""
    if arch in ("x86_64", "x86-64", "amd64"):
        return "amd64", "" if variant == "v1" else variant
    if arch in ("aarch64", "arm64"):
        if variant in ("8", "v8", "v8.0"):
            variant = ""
        elif variant in ("9", "9.0", "v9.0"):
            variant = "v9"
        return "arm64", variant
    if arch == "armhf":
        return "arm", "v7"
    if arch == "armel":
        return "arm", "v6"
    if arch == "arm":
        if variant in ("", "7"):
            variant = "v7"
        elif variant in ("5", "6", "8"):
            variant = "v" + variant
        return "arm", variant
    return arch, variant


@rule(
    code="MSB314",
    name="constant-from-platform",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="`FROM --platform=` with a constant value such as `linux/amd64`",
    buildkit="FromPlatformFlagConstDisallowed",
    hadolint=("DL3029",),
)
def constant_from_platform(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags `FROM --platform=<constant>`, such as `--platform=linux/amd64`. A value built from
    variables (`$BUILDPLATFORM`, `${TARGETOS}/${TARGETARCH}`) is fine, and so is a constant
    when the stage name contains its OS or architecture (`AS build-amd64`, `AS linux`): the
    name then says the pin is deliberate.

    ## Why is this bad?
    A constant platform pins the stage to one architecture whatever `docker build --platform`
    asks for: a multi-platform build produces an `arm64` image that contains `amd64` binaries,
    or emulates the whole stage under QEMU. For build stages `--platform=$BUILDPLATFORM` runs
    natively and cross-compiles for `$TARGETPLATFORM`.

    ## Example
    ```dockerfile
    FROM --platform=linux/amd64 golang:1.22 AS build
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    ```
    """
    for stage in ctx.df.stages:
        flag = stage.from_.platform
        if flag is None or flag.value is None or flag.value_span is None:
            continue
        if "$" in flag.value:
            continue  # variables: not a constant
        platform = parse_platform(flag.value)
        if platform is None:
            continue  # BuildKit fails on it later, with its own error
        name = stage.name or ""
        if platform.os in name or platform.arch in name:
            continue
        yield Violation(
            flag.value_span,
            f'FROM --platform flag should not use constant value "{flag.value}"',
        )
