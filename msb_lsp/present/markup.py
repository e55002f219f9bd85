"""A tiny document builder for hover text: the same content as Markdown or as plain text.

Inline helpers (`code`, `bold`, `text`) return strings formatted for the target; block methods
(`para`, `table`, `bullets`) append blocks; `render()` joins them with blank lines. Text that
comes from outside (registry notes, Dockerfile words) goes through `text()` or `code()`, so it
cannot turn into Markdown markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["Doc"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


class Doc:
    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self._blocks: list[str] = []

    # -- inline ----------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """Literal text (escaped in Markdown)."""
        if not self.markdown:
            return value
        return _MD_SPECIAL.sub(r"\\\1", value).replace("\n", " ")

    def code(self, value: str) -> str:
        """An identifier, image reference or command: a code span in Markdown."""
        if not self.markdown:
            return value
        value = value.replace("\n", " ")
        longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
        fence = "`" * (longest + 1)
        pad = " " if value.startswith("`") or value.endswith("`") or longest else ""
        return f"{fence}{pad}{value}{pad}{fence}"

    def bold(self, value: str) -> str:
        """Emphasis for `value`, which is already formatted (e.g. by `code`)."""
        return f"**{value}**" if self.markdown else value

    # -- blocks ----------------------------------------------------------------------------

    def para(self, *parts: str) -> None:
        """One paragraph of already formatted inline parts, joined by spaces."""
        line = " ".join(p for p in parts if p)
        if line:
            self._blocks.append(line)

    def bullets(self, title: str | None, items: Iterable[str]) -> None:
        """A list of already formatted items, with an optional formatted title line."""
        rows = [f"- {item}" for item in items]
        if not rows:
            return
        head = [title] if title else []
        self._blocks.append("\n".join(head + rows))

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], right: Iterable[int] = ()
    ) -> None:
        """A table of already formatted cells; columns in `right` are right-aligned."""
        if not rows:
            return
        right_set = set(right)
        if self.markdown:
            rule = ["---:" if i in right_set else "---" for i in range(len(headers))]
            lines = [_md_row(headers), _md_row(rule)]
            lines += [_md_row([cell or " " for cell in row]) for row in rows]
            self._blocks.append("\n".join(lines))
            return
        widths = [max(len(headers[i]), *(len(row[i]) for row in rows)) for i in range(len(headers))]

        def fmt(row: Sequence[str]) -> str:
            cells = [
                row[i].rjust(widths[i]) if i in right_set else row[i].ljust(widths[i])
                for i in range(len(headers))
            ]
            return "  ".join(cells).rstrip()

        self._blocks.append("\n".join([fmt(headers), *(fmt(row) for row in rows)]))

    def render(self) -> str:
        return "\n\n".join(self._blocks)


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
