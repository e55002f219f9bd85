"""Start the msb-lsp bundled in the VS Code extension.

The extension runs `<python> -I -S python/launch.py [args]`: no site-packages, no PYTHON*
variables, so msb-lsp and its dependencies come from bundled/libs (filled by
`npm run bundle-python`) and the standard library only.
"""

import os
import sys

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bundled", "libs")


def main() -> int:
    if sys.version_info < (3, 10):  # noqa: UP036 (any Python the user picked runs this)
        version = ".".join(map(str, sys.version_info[:3]))
        sys.stderr.write(
            f"msb-lsp needs Python 3.10 or newer, and {sys.executable} is {version}: set "
            "msbLsp.server.interpreter to a newer Python.\n"
        )
        return 2
    if not os.path.isfile(os.path.join(LIBS, "msb_lsp", "__init__.py")):
        sys.stderr.write(f"msb-lsp is not bundled in {LIBS}: run `npm run bundle-python`.\n")
        return 2
    sys.path.insert(0, LIBS)
    from msb_lsp.cli.main import main as msb_lsp_main

    return msb_lsp_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
