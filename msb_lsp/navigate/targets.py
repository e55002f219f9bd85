"""`--target` values in other open files (compose, bake, shell scripts, Makefiles, CI
workflows) that select a stage of a Dockerfile, found by
`msb_lsp.targets.find_target_references`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from msb_lsp.model.span import Span

log = logging.getLogger("msb_lsp.navigate")

Finder = Callable[[Path, str, Mapping[str, str]], list[tuple[str, Span]]]


def _finder() -> Finder:
    # Imported on first use: the targets engine pulls in the rules, which a server that only
    # navigates does not need at start-up.
    from msb_lsp.targets import find_target_references

    return find_target_references


class TargetLookupError(Exception):
    """The targets engine failed; a rename must not go on with half of its edits."""


def target_references(
    dockerfile: Path, stage_name: str, documents: Mapping[str, str], *, strict: bool = False
) -> list[tuple[str, Span]]:
    """(uri, span) of every `--target <stage_name>` that builds `dockerfile`, in `documents`
    (uri -> text of the open documents); each span is the value without its quotes.

    A failure of the lookup is logged and gives no references, or raises TargetLookupError
    when `strict` (a rename that left a `--target` behind would break that build).
    """
    if not documents:
        return []
    try:
        return [(uri, span) for uri, span in _finder()(dockerfile, stage_name, documents)]
    except Exception as exc:
        log.exception("find_target_references failed for %s", dockerfile)
        if strict:
            raise TargetLookupError(str(exc)) from exc
        return []
