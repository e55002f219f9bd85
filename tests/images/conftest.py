"""Fixtures for the image-layer tests.

Every test gets its own cache folder (`MSB_LSP_CACHE_DIR`), and a guard makes any attempt to
resolve or connect to something other than loopback fail loudly: these tests must never
reach the internet.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.images.support import (
    PushedImage,
    RegistryProcess,
    SigningKey,
    TokenServer,
    push_image,
    token_auth_yaml,
)
from tests.support.programs import require_program

_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "msb-lsp-cache"
    monkeypatch.setenv("MSB_LSP_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise OSError(f"test network guard: refusing to connect to {address[0]!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(host):
            raise socket.gaierror(f"test network guard: refusing to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


# -- the real registry (Debian's docker-registry) ---------------------------------------------

SERVICE = "msb-test-registry"
ISSUER = "msb-test-issuer"


@dataclass
class LoopbackRegistry:
    process: RegistryProcess
    oci: PushedImage  # OCI index, linux/amd64 + linux/arm64 + attestations
    docker: PushedImage  # Docker manifest list, linux/amd64 + linux/arm64/v8 + attestations

    @property
    def host(self) -> str:
        return self.process.host


@dataclass
class TokenRegistry:
    process: RegistryProcess
    tokens: TokenServer
    oci: PushedImage

    @property
    def host(self) -> str:
        return self.process.host


def push_test_images(url: str) -> tuple[PushedImage, PushedImage]:
    oci = push_image(
        url,
        "msb/oci",
        "1.0",
        {"linux/amd64": [1000, 2345, 678], "linux/arm64": [1500, 2000]},
        seed=1,
    )
    docker = push_image(
        url,
        "msb/docker",
        "2.0",
        {"linux/amd64": [4000], "linux/arm64/v8": [3000, 10]},
        docker_types=True,
        created="2025-12-24T00:00:00.5Z",
        seed=2,
    )
    return oci, docker


@pytest.fixture(scope="module")
def registry_binary() -> str:
    return require_program("docker-registry", "docker-registry")


@pytest.fixture(scope="module")
def registry_storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("registry-storage")


@pytest.fixture(scope="module")
def loopback_registry(
    registry_binary: str, registry_storage: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoopbackRegistry]:
    workdir = tmp_path_factory.mktemp("registry")
    process = RegistryProcess(registry_binary, workdir, registry_storage)
    process.start()
    try:
        oci, docker = push_test_images(process.url)
        yield LoopbackRegistry(process, oci, docker)
    finally:
        process.stop()


@pytest.fixture(scope="module")
def token_registry(
    registry_binary: str,
    registry_storage: Path,
    loopback_registry: LoopbackRegistry,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TokenRegistry]:
    """A second registry process on the same storage, protected by token auth."""
    require_program("openssl", "openssl")
    workdir = tmp_path_factory.mktemp("token-registry")
    key = SigningKey(workdir)
    tokens = TokenServer(key, SERVICE, ISSUER).start()
    process = RegistryProcess(
        registry_binary,
        workdir,
        registry_storage,
        auth_yaml=token_auth_yaml(tokens.realm, SERVICE, ISSUER, key.cert),
    )
    try:
        process.start()
        yield TokenRegistry(process, tokens, loopback_registry.oci)
    finally:
        process.stop()
        tokens.stop()


@pytest.fixture
def fresh_registry(registry_binary: str, tmp_path: Path) -> Iterator[LoopbackRegistry]:
    """A registry of this test only (the test may stop it)."""
    process = RegistryProcess(registry_binary, tmp_path, tmp_path / "storage")
    process.start()
    try:
        oci, docker = push_test_images(process.url)
        yield LoopbackRegistry(process, oci, docker)
    finally:
        process.stop()
