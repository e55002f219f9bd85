"""Render our syntax tree the way BuildKit's `Node.Dump()` does, for the conformance fixtures."""

from __future__ import annotations

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import (
    HealthcheckInstruction,
    Instruction,
    KeyValueInstruction,
    OnbuildInstruction,
)
from msb_lsp.model.words import unquote_flag

_KNOWN = {
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
}
_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(s: str) -> str:
    """Go's strconv.Quote."""
    out = ['"']
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def dump_instruction(instr: Instruction) -> str:
    parts = [instr.keyword.lower()]
    if instr.flags:
        parts.append("[" + " ".join(go_quote(unquote_flag(f.raw)) for f in instr.flags) + "]")
    if isinstance(instr, OnbuildInstruction):
        if instr.trigger is not None:
            parts.append("(" + dump_instruction(instr.trigger) + ")")
    elif isinstance(instr, KeyValueInstruction) and instr.kind in ("ENV", "LABEL"):
        for pair in instr.pairs:
            value = pair.value.text if pair.value is not None else ""
            parts += [go_quote(pair.key.text), go_quote(value), go_quote(pair.separator)]
    elif isinstance(instr, HealthcheckInstruction):
        if instr.check_type is not None:
            parts.append(go_quote(instr.check_type.text))
        parts += [go_quote(w.value) for w in instr.args]
    elif instr.kind not in _KNOWN:
        parts.append(go_quote(""))
    else:
        parts += [go_quote(w.value if instr.json else w.text) for w in instr.args]
    return " ".join(parts)


def dump(df: Dockerfile) -> str:
    return "".join(f"({dump_instruction(i)})\n" for i in df.instructions)
