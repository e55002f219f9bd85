"""MSB205 go-build-without-cgo-disabled."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB205"


def flagged(text: str, **options: object) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE, **options)]


def go_to(final: str, builder: str = "golang:1.22", build: str = "go build -o /app .") -> str:
    return (
        f"FROM {builder} AS builder\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        f"RUN {build}\n"
        "\n"
        f"FROM {final}\n"
        "COPY --from=builder /app /app\n"
        'ENTRYPOINT ["/app"]\n'
    )


def test_catches_a_debian_go_build_copied_into_scratch() -> None:
    text = go_to("scratch")
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.WARNING
    assert flagged(text) == ["go build"]
    assert finding.message == (
        "'go build' links against glibc (cgo is on by default with a C compiler), but the "
        "final stage runs it on 'scratch', which has no C library: set CGO_ENABLED=0"
    )
    (related,) = finding.related
    assert parse(text).source.text_at(related.span) == "builder"
    assert finding.fix is not None and not finding.fix.safe
    assert fixed(text, CODE) == go_to("scratch", build="CGO_ENABLED=0 go build -o /app .")


def test_catches_alpine_and_distroless_static_targets() -> None:
    (finding,) = findings(go_to("alpine:3.19"), CODE)
    assert "runs it on 'alpine:3.19', which has musl, not glibc" in finding.message
    assert flagged(go_to("gcr.io/distroless/static-debian12:nonroot")) == ["go build"]


def test_catches_an_alpine_builder_that_installs_gcc() -> None:
    build = "apk add --no-cache gcc musl-dev && go build -o /app ."
    text = go_to("scratch", builder="golang:1.22-alpine", build=build)
    (finding,) = findings(text, CODE)
    assert "links against musl" in finding.message
    # Alpine to Alpine: musl on both sides, the binary runs.
    assert findings(go_to("alpine:3.19", builder="golang:1.22-alpine", build=build), CODE) == []


def test_catches_explicit_cgo_without_a_fix() -> None:
    text = go_to("scratch", build="CGO_ENABLED=1 go build -o /app .")
    (finding,) = findings(text, CODE)
    assert "(CGO_ENABLED=1 is set)" in finding.message
    assert finding.fix is None


def test_catches_go_install_and_copies_through_another_stage() -> None:
    text = (
        "FROM golang:1.22 AS tools\n"
        "RUN go install example.com/cmd/tool@v1.2.3\n"
        "FROM scratch AS export\n"
        "COPY --from=tools /go/bin/tool /tool\n"
        "FROM scratch\n"
        "COPY --from=export /tool /tool\n"
    )
    assert flagged(text) == ["go install"]


def test_fix_goes_before_go_in_a_longer_command_line() -> None:
    build = "set -eux; \\\n    go mod download; \\\n    go build -o /app ."
    text = go_to("scratch", build=build)
    assert flagged(text) == ["go build"]
    assert fixed(text, CODE) == go_to(
        "scratch", build=build.replace("go build", "CGO_ENABLED=0 go build")
    )


def test_does_not_catch_disabled_cgo_static_links_or_glibc_runtimes() -> None:
    quiet = [
        go_to("scratch", build="CGO_ENABLED=0 go build -o /app ."),
        go_to("scratch", build="env CGO_ENABLED=0 GOOS=linux go build -o /app ."),
        go_to("scratch", build="export CGO_ENABLED=0 && go build -o /app ."),
        go_to("scratch", build="go build -ldflags '-extldflags \"-static\"' -o /app ."),
        go_to("scratch", build="go build -tags netgo,osusergo -o /app ."),
        # Runtimes with glibc.
        go_to("debian:12-slim"),
        go_to("gcr.io/distroless/base-debian12"),
        # No C compiler in golang:*-alpine: Go turns cgo off by itself.
        go_to("scratch", builder="golang:1.22-alpine"),
        go_to("alpine:3.19", builder="golang:1.22-alpine"),
        # A value only known at build time.
        "FROM golang:1.22 AS builder\nARG CGO\nENV CGO_ENABLED=$CGO\nRUN go build -o /app .\n"
        "FROM scratch\nCOPY --from=builder /app /app\n",
        # The final stage does not copy from the build.
        "FROM golang:1.22 AS builder\nRUN go build -o /app .\nFROM scratch\nCOPY app /app\n",
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
    # ENV and ARG set in the builder, also through its base stage.
    text = (
        "FROM golang:1.22 AS base\nENV CGO_ENABLED=0\n"
        "FROM base AS builder\nRUN go build -o /app .\n"
        "FROM scratch\nCOPY --from=builder /app /app\n"
    )
    assert findings(text, CODE) == []
    text = (
        "FROM golang:1.22 AS builder\nARG CGO_ENABLED=0\nRUN go build -o /app .\n"
        "FROM scratch\nCOPY --from=builder /app /app\n"
    )
    assert findings(text, CODE) == []
    text = (
        "FROM golang:1.22 AS builder\nRUN go env -w CGO_ENABLED=0\nRUN go build -o /app .\n"
        "FROM scratch\nCOPY --from=builder /app /app\n"
    )
    assert findings(text, CODE) == []
