""" "Did you mean" suggestions by edit distance, as BuildKit's `suggest` package offers them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# What a suggestion search spends: each candidate looked at, and more for each edit distance
# computed (the costly part, some microseconds each).
LOOK_COST = 1
DISTANCE_COST = 20


class Budget:
    """The work did-you-mean searches may still do (shared by the rules of one lint run), in
    units of `LOOK_COST` and `DISTANCE_COST`."""

    __slots__ = ("left",)

    def __init__(self, units: int) -> None:
        self.left = units


_BUDGET: ContextVar[Budget | None] = ContextVar("msb_lsp_suggest_budget", default=None)


@contextmanager
def comparison_budget(budget: Budget) -> Iterator[None]:
    """Inside the block, `closest` and `near` spend `budget` and suggest nothing once it is
    spent. A hostile file with thousands of unknown names and thousands of candidates (every
    stage name, every variable in scope) would otherwise cost minutes of did-you-mean
    searches; outside such a block there is no limit."""
    token = _BUDGET.set(budget)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _spend(units: int) -> bool:
    """Take work from the budget in effect; False when it is spent."""
    budget = _BUDGET.get()
    if budget is None:
        return True
    if budget.left <= 0:
        return False
    budget.left -= units
    return True


def exhausted() -> bool:
    """Whether the budget in effect is spent (callers skip gathering candidates then)."""
    budget = _BUDGET.get()
    return budget is not None and budget.left <= 0


def distance(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance where swapping two neighbours counts as one edit (`form` -> `from`).

    With `limit`, any distance above it may be reported as `limit + 1` (the search stops as
    soon as no alignment can stay within it)."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
        if limit is not None and min(row) > limit:
            return limit + 1  # a row's minimum never decreases further down
    return rows[-1][-1]


def _limit(key: str, other: str) -> int:
    """How many edits still make a likely typo: about a third of the word, at least one."""
    return max(1, min(len(key), len(other)) // 3)


def closest(word: str, candidates: Iterable[str], case_insensitive: bool = True) -> str | None:
    """The candidate nearest to `word`, if it is near enough to be a likely typo."""
    key = word.lower() if case_insensitive else word
    best: str | None = None
    best_distance = 0
    for candidate in candidates:
        if not _spend(LOOK_COST):
            return None
        other = candidate.lower() if case_insensitive else candidate
        if other == key:
            return candidate
        # BuildKit allows about a third of the word to differ; never a whole short word.
        limit = _limit(key, other)
        if abs(len(key) - len(other)) > limit:
            continue  # needs more insertions or deletions than that
        if not _spend(DISTANCE_COST):
            return None
        d = distance(key, other, limit)
        if d <= limit and (best is None or d < best_distance):
            best, best_distance = candidate, d
    return best


def did_you_mean(word: str, candidates: Iterable[str], case_insensitive: bool = True) -> str:
    """` (did you mean x?)` or the empty string."""
    found = closest(word, candidates, case_insensitive)
    if found is None or found == word:
        return ""
    return f" (did you mean {found}?)"


def near(word: str, candidates: Iterable[str], case_insensitive: bool = True) -> list[str]:
    """Every candidate near enough to `word` to be a likely typo (the limit `closest` uses),
    nearest first; ties keep the candidates' order. Exact matches are included."""
    key = word.lower() if case_insensitive else word
    scored: list[tuple[int, int, str]] = []
    for i, candidate in enumerate(candidates):
        if not _spend(LOOK_COST):
            return []
        other = candidate.lower() if case_insensitive else candidate
        limit = _limit(key, other)
        if abs(len(key) - len(other)) > limit:
            continue
        if not _spend(DISTANCE_COST):
            return []
        d = distance(key, other, limit)
        if d <= limit:
            scored.append((d, i, candidate))
    return [c for _, _, c in sorted(scored)]
