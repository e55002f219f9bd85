"""A JSON (exec form) array with an element that is not a string.

BuildKit fails on it before building anything.
"""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB010",
    name="exec-form-with-non-strings",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A JSON (exec form) array with an element that is not a string",
)
def exec_form_with_non_strings(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags exec form arguments that are valid JSON but contain numbers, booleans, objects or
    nested arrays, such as `CMD ["sleep", 10]`.

        ## Why is this bad?
        BuildKit fails with `when using JSON array syntax, arrays must be comprised of
        strings only`.
    (Text that is not valid JSON at all is silently run as a shell command instead.)

        ## Example
        ```dockerfile
        CMD ["sleep", 10]
        ```

        ## Use instead
        ```dockerfile
        CMD ["sleep", "10"]
        ```
    """
    yield from problems(ctx, "json-array-not-strings")
