"""An EXPOSE port with an IP address or a host port (BuildKit's ExposeInvalidFormat)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.expose_proto_casing import port_specs


@rule(
    code="MSB318",
    name="expose-host-mapping",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="An EXPOSE port with an IP address or host port, such as `8080:80`",
    buildkit="ExposeInvalidFormat",
    fixable=True,
)
def expose_host_mapping(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags an `EXPOSE` port that carries a host port or an IP address, in the format of
    `docker run -p`: `8080:80`, `127.0.0.1:80:80`.

    ## Why is this bad?
    `EXPOSE` only documents which ports the container listens on; it cannot publish a port
    on the host. BuildKit ignores the host part (the image exposes `80/tcp` either way), and
    says this will become an error. Publishing belongs to `docker run -p 8080:80` or the
    compose file.

    ## Example
    ```dockerfile
    FROM alpine
    EXPOSE 8080:80
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    EXPOSE 80
    ```

    ## Fix
    Keeps only the container port and protocol, which is all BuildKit uses (for ports
    written without variables).
    """
    for _, spec in port_specs(ctx):
        ip, host, container = spec.parts
        if not ip and not host:
            continue
        message = (
            "EXPOSE instruction should not define an IP address or host-port mapping, "
            f"found '{spec.raw}'"
        )
        fix = None
        if spec.literal and container:
            fix = Fix(f"Expose only `{container}`", (Edit(spec.word.span, container),))
        yield Violation(spec.word.span, message, fix=fix)
