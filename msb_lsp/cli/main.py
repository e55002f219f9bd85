"""Entry point of `msb-lsp` and `python -m msb_lsp`.

With no arguments (or `serve`, or a stray `--stdio` copied from other servers' configs) it
serves LSP over stdio; `--tcp --port N` serves on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys

from msb_lsp import __version__

_COMMANDS = ("serve", "check", "rule", "size")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="msb-lsp",
        description="A Dockerfile language server for multi-stage builds and small images.",
    )
    parser.add_argument("--version", action="version", version=f"msb-lsp {__version__}")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="serve LSP (the default)")
    _serve_arguments(serve)

    from msb_lsp.cli import check

    check_parser = sub.add_parser("check", help="lint Dockerfiles (text, JSON or SARIF output)")
    check.add_arguments(check_parser)

    rule = sub.add_parser("rule", help="print the documentation of a rule")
    rule.add_argument("rule", nargs="?", help="code, name or BuildKit name; omit to list rules")

    size = sub.add_parser("size", help="print the download size of images")
    try:
        from msb_lsp.cli import size as size_cmd

        size_cmd.add_arguments(size)
    except ImportError:  # the image layer is optional while it is being built
        size.add_argument("images", nargs="*")
    return parser


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdio", action="store_true", help="serve over stdio (the default)")
    parser.add_argument("--tcp", action="store_true", help="serve over TCP on 127.0.0.1")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument(
        "--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*_COMMANDS, "-h", "--help", "--version"):
        argv.insert(0, "serve")  # `msb-lsp`, `msb-lsp --stdio`, `msb-lsp --tcp --port 1`
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "check":
        from msb_lsp.cli import check

        _tune_gc()
        return check.run(args)
    if args.command == "rule":
        return _rule(args.rule)
    if args.command == "size":
        from msb_lsp.cli import size as size_cmd

        return size_cmd.run(args)
    return 2


def _serve(args: argparse.Namespace) -> int:
    # Logs go to stderr only: stdout carries the protocol.
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    from msb_lsp.server.app import create_server

    server = create_server()
    _tune_gc()
    code: int | str | None = 0
    try:
        if args.tcp:
            server.start_tcp("127.0.0.1", args.port)
        else:
            server.start_io()
    except SystemExit as stop:  # pygls ends the process this way on `exit`
        code = stop.code
    # Leave without tearing the heap down object by object: after a 4 MB document that
    # took the interpreter 15 s, and `exit` must be prompt.
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code if isinstance(code, int) else 1)


def _tune_gc() -> None:
    """A parse allocates ~100k small objects; with the default thresholds the collector
    would sweep the long-lived import-time objects again and again. Freeze those, and
    collect young objects less often."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _rule(key: str | None) -> int:
    from msb_lsp.docsgen import rule_page
    from msb_lsp.rules import all_rules, find_rule

    if key is None:
        for r in all_rules():
            print(f"{r.code}  {r.name:<40} {r.severity.value:<8} {r.summary}")
        return 0
    found = find_rule(key)
    if found is None:
        print(
            f"msb-lsp rule: no rule named {key!r} (try `msb-lsp rule` for the list)",
            file=sys.stderr,
        )
        return 2
    sys.stdout.write(rule_page(found))
    return 0
