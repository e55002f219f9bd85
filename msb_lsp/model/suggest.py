""" "Did you mean" suggestions by edit distance, as BuildKit's `suggest` package offers them."""

from __future__ import annotations

from collections.abc import Iterable


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


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
