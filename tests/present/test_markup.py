"""The Markdown / plain text document builder."""

from __future__ import annotations

from msb_lsp.present.markup import Doc


def test_markdown_escapes_outside_text_and_quotes_code() -> None:
    doc = Doc(markdown=True)
    assert doc.text("a*b_c [x](y) <z> | ~") == r"a\*b\_c \[x\](y) \<z\> \| \~"
    assert doc.code("node:20") == "`node:20`"
    assert doc.code("a`b") == "`` a`b ``"
    assert doc.bold("x") == "**x**"
    assert doc.text("two\nlines") == "two lines"


def test_plain_text_keeps_everything_as_is() -> None:
    doc = Doc(markdown=False)
    assert doc.text("a*b_c") == "a*b_c"
    assert doc.code("a`b") == "a`b"
    assert doc.bold("x") == "x"


def test_blocks_tables_and_lists() -> None:
    for markdown in (True, False):
        doc = Doc(markdown)
        doc.para("one", "", "two")
        doc.table(["Name", "Size"], [["node", "1 B"], ["alpine-long", "10.5 MB"]], right=(1,))
        doc.bullets("Items:", ["a", "b"])
        doc.bullets("Empty:", [])
        doc.para()
        out = doc.render()
        if markdown:
            assert out == (
                "one two\n\n"
                "| Name | Size |\n| --- | ---: |\n| node | 1 B |\n| alpine-long | 10.5 MB |\n\n"
                "Items:\n- a\n- b"
            )
        else:
            assert out == (
                "one two\n\n"
                "Name            Size\nnode             1 B\nalpine-long  10.5 MB\n\n"
                "Items:\n- a\n- b"
            )


def test_an_empty_table_adds_nothing() -> None:
    doc = Doc(markdown=True)
    doc.table(["a"], [])
    assert doc.render() == ""
