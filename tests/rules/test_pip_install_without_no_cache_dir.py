"""MSB208 pip-install-without-no-cache-dir."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB208"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_pip_install_and_adds_no_cache_dir() -> None:
    text = "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.WARNING
    assert finding.rule.hadolint == ("DL3042",)
    assert flagged(text) == ["pip install"]
    assert finding.message == (
        "'pip install' without '--no-cache-dir' keeps pip's download cache in the final image"
    )
    assert finding.fix is not None and finding.fix.safe
    assert fixed(text, CODE) == text.replace("pip install", "pip install --no-cache-dir")


def test_catches_every_spelling_of_pip() -> None:
    cases = {
        "pip3 install flask": "pip3 install",
        "pip3.12 install flask": "pip3.12 install",
        "python -m pip install --upgrade pip": "python -m pip install",
        "/venv/bin/python3 -m pip install flask": "/venv/bin/python3 -m pip install",
        "/venv/bin/pip --disable-pip-version-check install flask": (
            "/venv/bin/pip --disable-pip-version-check install"
        ),
    }
    for command, span in cases.items():
        assert flagged(f"FROM python:3.12-slim\nRUN {command}\n") == [span], command
    text = "FROM python:3.12-slim\nRUN python -m pip install --upgrade pip\n"
    assert findings(text, CODE)[0].message.startswith("'python -m pip install' without")
    assert fixed(text, CODE) == text.replace("install", "install --no-cache-dir")


def test_catches_a_base_stage_of_the_final_stage() -> None:
    text = (
        "FROM python:3.12-slim AS base\nRUN pip install gunicorn\n"
        'FROM base\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n'
    )
    assert flagged(text) == ["pip install"]


def test_does_not_catch_disabled_caches_or_builders() -> None:
    quiet = [
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "FROM python:3.12-slim\nRUN pip --no-cache-dir install flask\n",
        "FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
        "FROM python:3.12-slim\nARG PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
        "FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n",
        "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n",
        "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache pip install flask\n",
        "FROM python:3.12-slim\nRUN pip install flask && pip cache purge\n",
        "FROM python:3.12-slim\nRUN pip install flask && rm -rf /root/.cache\n",
        "FROM python:3.12-slim\nRUN pip download flask\n",
        "FROM python:3.12-slim\nRUN uv pip install flask\n",
        # A builder: its cache does not ship.
        "FROM python:3.12 AS build\nRUN python -m venv /venv && /venv/bin/pip install flask\n"
        "FROM python:3.12-slim\nCOPY --from=build /venv /venv\n",
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
