""" "Did you mean" suggestions by edit distance, as BuildKit's `suggest` package offers them."""

from __future__ import annotations

from collections.abc import Iterable


def distance(a: str, b: str) -> int:
    """Edit distance where swapping two neighbours counts as one edit (`form` -> `from`)."""
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
    return rows[-1][-1]


def closest(word: str, candidates: Iterable[str], case_insensitive: bool = True) -> str | None:
    """The candidate nearest to `word`, if it is near enough to be a likely typo."""
    key = word.lower() if case_insensitive else word
    best: str | None = None
    best_distance = 0
    for candidate in candidates:
        other = candidate.lower() if case_insensitive else candidate
        if other == key:
            return candidate
        d = distance(key, other)
        # BuildKit allows about a third of the word to differ; never a whole short word.
        limit = max(1, min(len(key), len(other)) // 3)
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
        other = candidate.lower() if case_insensitive else candidate
        d = distance(key, other)
        if d <= max(1, min(len(key), len(other)) // 3):
            scored.append((d, i, candidate))
    return [c for _, _, c in sorted(scored)]
