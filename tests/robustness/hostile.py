"""Hostile Dockerfiles: huge, deep, wide, cyclic or not text at all.

Each generator is deterministic. The sizes are those of issue 8; `FILES` lists the ones both
the CLI and the server must answer within `BOUND_S` (or refuse with a clear message), without
the process's peak resident memory passing `MAX_RSS_KB`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

BOUND_S = 20.0  # a robustness bound on a shared 2-core machine, not a benchmark
MAX_RSS_KB = 1_500_000  # 1.5 GB peak resident set (VmHWM)
LIMIT_BYTES = 2 * 1024 * 1024  # what the CLI refuses and the server does not analyse


def nested(depth: int, inner: str = "x") -> str:
    return "${A:-" * depth + inner + "}" * depth


def huge(size: int) -> str:
    """A plain multi-stage file repeated to `size` characters (ASCII)."""
    block = (
        "FROM golang:1.22 AS build{i}\n"
        "ARG VERSION=1.{i}\n"
        "ENV CGO_ENABLED=0\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "RUN go build -o /out/app{i} ./cmd/app\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "FROM alpine:3.19\n"
        "COPY --from=build{i} /out/app{i} /usr/local/bin/app\n"
        'CMD ["app"]\n'
    )
    parts: list[str] = []
    total = i = 0
    while total < size:
        part = block.format(i=i)
        parts.append(part)
        total += len(part)
        i += 1
    return "".join(parts)[:size]


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[], str]
    refused_by_cli: bool = False  # over the size limit
    not_analysed_by_server: bool = False
    binary_for_cli: bool = False  # NUL characters: the CLI refuses the file as binary


FILES = [
    Hostile("10-megabytes", lambda: huge(10 * 1024 * 1024), True, True),
    Hostile("just-under-2-megabytes", lambda: huge(LIMIT_BYTES - 4096)),
    Hostile("line-of-200000-characters", lambda: "FROM alpine\nRUN echo " + "a" * 200_000 + "\n"),
    Hostile(
        "nul-characters",
        lambda: "FROM alpine\x00 AS a\nRUN echo \x00\x00\nCOPY --from=a\x00 / /\n" * 200,
        binary_for_cli=True,
    ),
    Hostile(
        "10000-stages",
        lambda: "".join(f"FROM alpine:3.19 AS s{i}\nRUN echo {i}\n" for i in range(10_000)),
    ),
    Hostile(
        "5000-heredocs",
        lambda: (
            "FROM alpine\n"
            + "".join(f"RUN <<EOF{i}\necho {i} $HOME\nEOF{i}\n" for i in range(5_000))
        ),
    ),
    Hostile(
        "from-chain-of-10000",
        lambda: (
            "FROM alpine AS s0\n"
            + "".join(f"FROM s{i - 1} AS s{i}\nENV V{i}=${{V{i - 1}}}\n" for i in range(1, 10_000))
        ),
    ),
    Hostile(
        "ring-of-2000-stages",
        lambda: "".join(
            f"FROM alpine AS s{i}\nCOPY --from=s{(i + 1) % 2000} /a /b\n" for i in range(2_000)
        ),
    ),
    Hostile(
        "nesting-3000-deep",
        lambda: (
            f"FROM {nested(3_000, 'alpine')}\nRUN echo {nested(3_000)}\n"
            f"ENV B={nested(3_000)}\nLABEL l={nested(3_000)}\n"
        ),
    ),
    Hostile(
        "50000-variables-on-a-line",
        lambda: (
            "FROM alpine\nARG "
            + " ".join(f"V{i}=${{V{i - 1}}}" for i in range(50_000))
            + "\nRUN echo "
            + " ".join(f"$V{i}" for i in range(50_000))
            + "\n"
        ),
    ),
    Hostile(
        "10000-undefined-variables-with-suggestions",
        lambda: "FROM alpine\n" + "".join(f"ENV V{i}=$V{i - 1}x\n" for i in range(10_000)),
    ),
    Hostile(
        "10000-misspelled-stages",
        lambda: "".join(
            f"FROM alpine AS stage{i}\nCOPY --from=stgae{i} /a /b\n" for i in range(10_000)
        ),
    ),
]

# Not text: the CLI refuses these with a one-line message (the server only ever gets text).
BINARY = {
    "nul-bytes": (b"FROM alpine\n\x00\x01\x02RUN x\n", "binary file (it contains NUL bytes)"),
    "invalid-utf-8": (b"FROM alpine\nRUN echo \xff\xfe caf\xe9\n", "not valid UTF-8 (byte 0xff"),
    "png-image": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64,
        "binary file (it contains NUL bytes)",
    ),
    "latin-1": ("FROM alpine\nLABEL author=Jos\xe9\n".encode("latin-1"), "not valid UTF-8"),
}
