"""Finding real peer programs (editors, registries) for end-to-end tests."""

from __future__ import annotations

import shutil

import pytest


def require_program(name: str, package: str) -> str:
    """Path of `name` on PATH, or skip with a reason naming the Debian package to install."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not found: install the Debian package '{package}' (.ci/run does)")
    return path
