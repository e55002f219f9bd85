"""The small YAML reader: the same values as PyYAML on what compose and workflows use, exact
spans (quotes excluded, CRLF, BOM, non-ASCII), tolerance to text being typed."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from msb_lsp.model.source import Source
from msb_lsp.model.span import Pos, Span
from msb_lsp.targets.miniyaml import YMap, YNode, YScalar, YSeq, parse_yaml
from tests.targets.support import span_of


def plain(node: YNode | None) -> object:
    """The node as plain Python values (strings only, like a YAML 1.2 core-schema-less read)."""
    if node is None:
        return None
    if isinstance(node, YMap):
        return {k.value: plain(v) for k, v in node.entries()}
    if isinstance(node, YSeq):
        return [plain(item) for item in node.items]
    return None if node.is_empty else node.value


def as_strings(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): as_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_strings(v) for v in value]
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


SAMPLES = [
    # compose with anchors, merge keys, flow mappings, quoting and comments
    """
x-build: &defaults
  context: ./app   # trailing comment
  dockerfile: Dockerfile.prod
services:
  web:
    build:
      <<: *defaults
      target: "prod"
  api:
    build: ./api
  worker:
    build: {context: ., target: 'wo''rk', args: [a, "b c"]}
  tools:
    command:
    - a
    - "b c"
    -   - nested
        - two
    - k: v
      k2: v2
""",
    # a workflow: sequences of mappings, literal and folded block scalars, expressions
    """
name: ci
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build
        run: |
          docker build \\
            --target prod .

          echo "done: ok"
      - run: >-
          folded line
          more
      - uses: docker/build-push-action@v6
        with:
          context: .
          target: ${{ matrix.t }}
""",
    # JSON (a bake file)
    '{"target": {"app": {"context": ".", "target": "prod", "tags": ["a", "b"]}, "x": {}}}',
    # multi-line quoted and plain scalars, a key with no value, a sequence at the key's level
    "a: \"multi\n  line\"\nb: 'x'\nc: plain\n  continued\nd:\ne:\n- 1\n- 2\n",
    # double-quoted escapes and a literal block with keep/strip indicators
    'k: "tab\\tq\\"u\\u00e9"\nlit: |+\n  kept\n\nstrip: |-\n  gone\n',
]


def test_values_agree_with_pyyaml() -> None:
    for sample in SAMPLES:
        assert as_strings(plain(parse_yaml(sample))) == as_strings(yaml.safe_load(sample)), sample


def scalar_at(node: YNode | None, *path: str | int) -> YScalar:
    for key in path:
        if isinstance(key, int):
            assert isinstance(node, YSeq)
            node = node.items[key]
        else:
            assert isinstance(node, YMap)
            node = node.get(key)
    assert isinstance(node, YScalar)
    return node


def test_spans_exclude_quotes_and_follow_crlf_and_non_ascii() -> None:
    text = 'services:\r\n  wéb-🐳:\r\n    build: {context: "./é", target: "prod"}  # 🐳\r\n'
    root = parse_yaml(text)
    target = scalar_at(root, "services", "wéb-🐳", "build", "target")
    assert target.value == "prod"
    assert target.span == span_of(text, "prod")
    context = scalar_at(root, "services", "wéb-🐳", "build", "context")
    assert context.span == span_of(text, "./é")


def test_a_bom_does_not_shift_the_first_line_by_more_than_itself() -> None:
    text = "\ufeffservices:\n  a:\n    build: x\nname: n\n"
    root = parse_yaml(text)
    assert isinstance(root, YMap)
    assert [k.value for k, _ in root.items] == ["services", "name"]
    assert root.items[0][0].span == Span.on_line(0, 1, 9)
    assert scalar_at(root, "name").span == Span.on_line(3, 6, 7)
    assert scalar_at(root, "services", "a", "build").span == Span.on_line(2, 11, 12)


def test_a_missing_value_spans_the_blank_after_the_colon() -> None:
    text = "a:\n  target:   # later\n  other:\n  x: 1\n"
    root = parse_yaml(text)
    target = scalar_at(root, "a", "target")
    assert target.is_empty and target.typeable
    assert target.span == Span.on_line(1, 10, 12)
    other = scalar_at(root, "a", "other")
    assert other.is_empty and not other.typeable  # nothing after the colon yet


def test_an_unterminated_quote_ends_at_its_line() -> None:
    text = 'build:\n  target: "pro\n  context: app\n'
    root = parse_yaml(text)
    assert scalar_at(root, "build", "target").value == "pro"
    assert scalar_at(root, "build", "target").span == Span.on_line(1, 11, 14)
    assert scalar_at(root, "build", "context").value == "app"


def test_block_scalars_keep_their_lines_and_columns() -> None:
    text = "steps:\n  - run: |\n      docker build \\\n        --target x .\n"
    run = scalar_at(parse_yaml(text), "steps", 0, "run")
    assert run.style == "|"
    assert [(s.line, s.col, s.text) for s in run.segments] == [
        (2, 6, "docker build \\"),
        (3, 6, "  --target x ."),
    ]


def test_anchors_aliases_and_merge_keys() -> None:
    text = (
        "base: &b\n  context: app\n  target: t\n"
        "one:\n  <<: *b\n  target: own\n"
        "two:\n  <<: [*b]\n"
        "three: *b\n"
    )
    root = parse_yaml(text)
    assert scalar_at(root, "one", "target").value == "own"
    assert scalar_at(root, "one", "context").span == span_of(text, "app")
    assert scalar_at(root, "two", "target") is scalar_at(root, "base", "target")
    assert scalar_at(root, "two", "target").span == Span.on_line(2, 10, 11)
    assert scalar_at(root, "three", "target") is scalar_at(root, "base", "target")


def test_broken_lines_are_skipped_not_fatal() -> None:
    text = "services:\n  web:\n    build:\n  ]] nonsense {\n      target: x\n  api:\n    image: a\n"
    root = parse_yaml(text)
    assert isinstance(root, YMap)
    services = root.get("services")
    assert isinstance(services, YMap)
    assert "api" in [k.value for k, _ in services.items]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\r\n-:#'\"{}[],&*|>!ab\u00e9\U0001f433\\", max_size=80))
def test_never_raises_and_spans_stay_inside_the_text(text: str) -> None:
    root = parse_yaml(text)
    src = Source(text)
    end = src.end()

    def walk(node: YNode | None, seen: set[int]) -> None:
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, YScalar):
            assert Pos(0, 0) <= node.span.start <= node.span.end <= end
            for line, _ in [(s.line, s.col) for s in node.segments]:
                assert 0 <= line < len(src.lines)
        elif isinstance(node, YSeq):
            for item in node.items:
                walk(item, seen)
        else:
            for key, value in node.items:
                walk(key, seen)
                walk(value, seen)
            for merged in node.merges:
                walk(merged, seen)

    walk(root, set())
