""".dockerignore files read and matched the way BuildKit does it.

Reading follows moby/patternmatcher `ignorefile.ReadAll`: a UTF-8 BOM is dropped, lines
starting with `#` are comments, patterns are trimmed, cleaned like Go's `filepath.Clean`,
and a leading `/` is dropped (patterns are relative to the context root). `!` marks an
exception.

Matching follows `patternmatcher.PatternMatcher.MatchesOrParentMatches`: Go `filepath.Match`
syntax (`*`, `?`, `[...]`, `\\` escapes) plus `**` for any number of directories; a path is
excluded when the last pattern matching it (or one of its parent directories) is not an
exception. Patterns without wildcards compare literally, as Go does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

_BOM = "\ufeff"
# Characters that are literal in a pattern but special in a regular expression.
_REGEX_SPECIAL = set(".+()|{}$")


def go_clean(path: str) -> str:
    """Go's `path.Clean`: the shortest equivalent slash path, purely lexically."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def read_patterns(text: str) -> list[str]:
    """The patterns of a .dockerignore file, normalized; exceptions keep their `!`."""
    patterns: list[str] = []
    for index, line in enumerate(text.splitlines()):
        if index == 0 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


class _MatchType(Enum):
    EXACT = "exact"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    REGEXP = "regexp"


@dataclass(slots=True)
class Pattern:
    text: str  # cleaned, without the `!`
    exclusion: bool
    match_type: _MatchType = _MatchType.EXACT
    regexp: re.Pattern[str] | None = None

    def matches(self, path: str) -> bool:
        if self.match_type is _MatchType.EXACT:
            return path == self.text
        if self.match_type is _MatchType.PREFIX:
            return path.startswith(self.text[:-2])
        if self.match_type is _MatchType.SUFFIX:
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix.startswith("/") and path == suffix[1:]  # `**/foo` matches `foo`
        assert self.regexp is not None
        return self.regexp.match(path) is not None


class InvalidPattern(ValueError):
    """A pattern Go's `filepath.Match` rejects; BuildKit then fails the build."""


def compile_pattern(raw: str) -> Pattern:
    """One pattern as `patternmatcher.New` prepares it."""
    text = raw.strip()
    exclusion = text.startswith("!")
    text = go_clean(text)
    if exclusion:
        if len(text) == 1:
            raise InvalidPattern('illegal exclusion pattern: "!"')
        text = text[1:]
    pattern = Pattern(text=text, exclusion=exclusion)
    regex = ["^"]
    i = 0
    n = len(text)
    index = 0  # characters read so far, as Go's scanner counts them
    while i < n:
        ch = text[i]
        i += 1
        if ch == "*":
            if i < n and text[i] == "*":
                i += 1
                if i < n and text[i] == "/":
                    i += 1  # `**/` is read as `**`
                if i >= n:
                    if pattern.match_type is _MatchType.EXACT:
                        pattern.match_type = _MatchType.PREFIX
                    else:
                        regex.append(".*")
                        pattern.match_type = _MatchType.REGEXP
                else:
                    regex.append("(.*/)?")
                    pattern.match_type = _MatchType.REGEXP
                if index == 0:
                    pattern.match_type = _MatchType.SUFFIX
            else:
                regex.append("[^/]*")
                pattern.match_type = _MatchType.REGEXP
        elif ch == "?":
            regex.append("[^/]")
            pattern.match_type = _MatchType.REGEXP
        elif ch in _REGEX_SPECIAL:
            regex.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                regex.append("\\" + text[i])
                i += 1
            else:
                regex.append("\\\\")
        elif ch in "[]":
            regex.append(ch)
            pattern.match_type = _MatchType.REGEXP
        else:
            regex.append(ch)
        index += 1
    if pattern.match_type is _MatchType.REGEXP:
        regex.append("$")
        try:
            pattern.regexp = re.compile("".join(regex), re.DOTALL)
        except re.error as exc:
            raise InvalidPattern(f"syntax error in pattern {raw!r}: {exc}") from exc
    elif not _valid_match_syntax(text):
        raise InvalidPattern(f"syntax error in pattern {raw!r}")
    return pattern


def _valid_match_syntax(text: str) -> bool:
    """Go's `filepath.Match(p, ".")` error check for patterns without wildcards: only a
    trailing lone escape character is bad there."""
    i = 0
    while i < len(text):
        if text[i] == "\\":
            if i + 1 >= len(text):
                return False
            i += 2
            continue
        i += 1
    return True


@dataclass(slots=True)
class DockerIgnore:
    """The compiled patterns of one .dockerignore file."""

    patterns: list[Pattern] = field(default_factory=list)
    path: Path | None = None

    @property
    def has_exceptions(self) -> bool:
        return any(p.exclusion for p in self.patterns)

    def excludes(self, path: str) -> bool:
        """Whether `path` (slash-separated, relative to the context) or one of its parent
        directories is excluded: `MatchesOrParentMatches`."""
        matched = False
        # Go's filepath.Dir: everything up to the last slash, cleaned.
        slash = path.rfind("/")
        parent = go_clean(path[: slash + 1]) if slash >= 0 else "."
        parent_dirs = parent.split("/")
        for pattern in self.patterns:
            # An inclusion cannot change an already matched path, nor an exception an
            # unmatched one.
            if pattern.exclusion != matched:
                continue
            match = pattern.matches(path)
            if not match and parent != ".":
                for i in range(len(parent_dirs)):
                    if pattern.matches("/".join(parent_dirs[: i + 1])):
                        match = True
                        break
            if match:
                matched = not pattern.exclusion
        return matched


def parse_dockerignore(text: str, path: Path | None = None) -> DockerIgnore:
    """Compile a .dockerignore text; raises `InvalidPattern` like BuildKit would."""
    return DockerIgnore([compile_pattern(p) for p in read_patterns(text)], path)


def find_dockerignore(
    dockerfile: Path | None, context: Path | None, explicit: Path | None = None
) -> Path | None:
    """The ignore file BuildKit uses: an explicit one, else `<Dockerfile name>.dockerignore`
    beside the Dockerfile, else `.dockerignore` at the root of the build context."""
    if explicit is not None:
        return explicit if explicit.is_file() else None
    if dockerfile is not None:
        specific = dockerfile.with_name(dockerfile.name + ".dockerignore")
        if specific.is_file():
            return specific
    if context is not None:
        default = context / ".dockerignore"
        if default.is_file():
            return default
    return None


_cache: dict[Path, tuple[int, int, DockerIgnore | None]] = {}


def load_dockerignore(path: Path) -> DockerIgnore | None:
    """The compiled file, re-read only when it changed; None when unreadable or invalid."""
    try:
        stat = path.stat()
    except OSError:
        return None
    cached = _cache.get(path)
    if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    try:
        result: DockerIgnore | None = parse_dockerignore(
            path.read_text(encoding="utf-8", errors="replace"), path
        )
    except (OSError, InvalidPattern):
        result = None
    _cache[path] = (stat.st_mtime_ns, stat.st_size, result)
    return result
