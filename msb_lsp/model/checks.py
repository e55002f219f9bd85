"""BuildKit's `check` directive: `# check=skip=Rule1,Rule2;error=true;experimental=Rule3`.

Grammar from moby/buildkit `linter.ParseLintOptions`: up to three `;`-separated `key=value`
parts (`skip`, `error`, `experimental`); anything after the first space is a comment. The
same syntax in the comment lines directly above an instruction applies to it alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CHECK_COMMENT = re.compile(r"^check[ \t]*=[ \t]*(.+?)[ \t]*$", re.IGNORECASE)


@dataclass(slots=True)
class CheckConfig:
    skip: set[str] = field(default_factory=set)  # rule names, or "all"
    error: bool | None = None
    experimental: set[str] = field(default_factory=set)

    @property
    def skip_all(self) -> bool:
        return "all" in self.skip

    def merged(self, other: CheckConfig) -> CheckConfig:
        return CheckConfig(
            skip=self.skip | other.skip,
            error=other.error if other.error is not None else self.error,
            experimental=self.experimental | other.experimental,
        )


def parse_check_value(value: str) -> tuple[CheckConfig, str | None]:
    """The configuration in a `check` directive value, and an error message if it is invalid."""
    value = value.split(" ", 1)[0].strip()
    config = CheckConfig()
    if not value:
        return config, None
    parts = value.split(";")
    if len(parts) > 3:
        return config, f"invalid check directive: {value}"
    for part in parts:
        if not part:
            continue
        key, sep, arg = part.partition("=")
        key = key.strip().lower()
        if not sep:
            return config, f"invalid check directive key-value pair: {part}"
        names = {n.strip() for n in arg.split(",") if n.strip()}
        if key == "skip":
            config.skip |= names
        elif key == "experimental":
            config.experimental |= names
        elif key == "error":
            lowered = arg.strip().lower()
            if lowered not in ("true", "false", "1", "0"):
                return config, f'invalid boolean value for error: "{arg}"'
            config.error = lowered in ("true", "1")
        else:
            return config, f"invalid check option {key}"
    return config, None


def check_in_comment(comment_text: str) -> str | None:
    """The value of a `check=` written in a comment line (without the `#`)."""
    m = _CHECK_COMMENT.match(comment_text.strip())
    return m.group(1) if m else None
