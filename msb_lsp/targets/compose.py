"""`services.*.build.target` in compose files, with the Dockerfile resolved as compose does.

- `build: ./dir` (short form) is the context and names no target;
- `build.context` (default `.`) is relative to the compose file's folder (the project folder
  when the file is the first one given to compose);
- `build.dockerfile` (default `Dockerfile`) is relative to the context; absolute paths are kept;
- `dockerfile_inline`, a remote context (git or https URL) or a `${VARIABLE}` in a path leave
  the Dockerfile unknown; `$$` is a literal `$`.
Anchors and merge keys (`<<: *build-defaults`) are followed; a `target:` written once in an
anchor shared by several services is reported once per distinct Dockerfile.
"""

from __future__ import annotations

import re
from pathlib import Path

from msb_lsp.targets.miniyaml import YMap, YScalar, parse_yaml, scalar
from msb_lsp.targets.ref import TargetRef, is_remote, join

_INTERPOLATION = re.compile(r"(?<!\$)\$(?:\{|[A-Za-z_])")


def interpolated(value: str) -> bool:
    """Does a compose value depend on a `$VARIABLE` / `${VARIABLE}`? (`$$` is a literal `$`.)"""
    return _INTERPOLATION.search(value.replace("$$", "")) is not None


def _unescape(value: str) -> str:
    return value.replace("$$", "$")


def compose_targets(text: str, path: Path | None) -> list[TargetRef]:
    root = parse_yaml(text)
    if not isinstance(root, YMap):
        return []
    services = root.get("services")
    if not isinstance(services, YMap):
        return []
    base = path.parent if path is not None else None
    refs: list[TargetRef] = []
    seen: set[tuple[object, Path | None]] = set()
    for key, service in services.entries():
        if not isinstance(service, YMap):
            continue
        build = service.get("build")
        if not isinstance(build, YMap):
            continue
        target = build.get("target")
        if not isinstance(target, YScalar) or target.style in ("|", ">") or not target.typeable:
            continue
        ref = _ref(key.value, build, target, base)
        identity = (target.span, ref.dockerfile)
        if identity not in seen:
            seen.add(identity)
            refs.append(ref)
    return refs


def _ref(service: str, build: YMap, target: YScalar, base: Path | None) -> TargetRef:
    context_node = scalar(build.get("context"))
    file_node = scalar(build.get("dockerfile"))
    inline = build.get("dockerfile_inline")
    context_text = _unescape(context_node.value) if context_node else "."
    reason: str | None = None
    context: Path | None = None
    dockerfile: Path | None = None
    if inline is not None and file_node is None:
        reason = "the Dockerfile is inline (dockerfile_inline)"
    elif context_node is not None and interpolated(context_node.value):
        reason = "the build context depends on a variable"
    elif is_remote(context_text):
        reason = "the build context is remote"
    elif base is None and not Path(context_text).is_absolute():
        reason = "the compose file is not a saved file"
    else:
        context = join(base, context_text)
        if file_node is not None and interpolated(file_node.value):
            reason = "the Dockerfile path depends on a variable"
        else:
            name = _unescape(file_node.value) if file_node else "Dockerfile"
            dockerfile = join(context, name)
    value = target.value
    return TargetRef(
        value=_unescape(value),
        span=target.span,
        dockerfile=dockerfile,
        context=context,
        context_span=context_node.span if context_node else None,
        file_span=file_node.span if file_node else None,
        origin=f'service "{service}"',
        dynamic=interpolated(value),
        unresolved=reason if dockerfile is None else None,
    )
