"""Loopback registry machinery for the image tests.

* `RegistryProcess`: Debian's `docker-registry` (distribution 2.8) on a free 127.0.0.1 port,
  with its own YAML config and storage folder.
* `push_image`: pushes a small multi-platform image over the HTTP API (blob upload POST+PUT,
  manifest PUT), as an OCI index or a Docker manifest list, with an attestation entry.
* `TokenServer`: a token service issuing RS256 JWTs signed with a throw-away key made by the
  openssl CLI, so the registry's `auth: token:` mode runs for real.
* `FakeServer`: a tiny HTTP server whose answers each test scripts (faults, redirects).

Nothing here talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
IN_TOTO = "application/vnd.in-toto+json"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


# -- the registry process ----------------------------------------------------------------------


class RegistryProcess:
    """`docker-registry serve <config>` on 127.0.0.1; `stop()` ends exactly this process."""

    def __init__(
        self, binary: str, workdir: Path, storage: Path, auth_yaml: str | None = None
    ) -> None:
        self.binary = binary
        self.workdir = workdir
        self.storage = storage
        self.auth_yaml = auth_yaml
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "registry.log"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def _config(self) -> str:
        lines = [
            "version: 0.1",
            "log:",
            "  level: warn",
            "  accesslog:",
            "    disabled: true",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {json.dumps(str(self.storage))}",
            "  delete:",
            "    enabled: true",
            "http:",
            f"  addr: 127.0.0.1:{self.port}",
            "  secret: msb-lsp-test-secret",
        ]
        if self.auth_yaml:
            lines.append(self.auth_yaml.rstrip())
        return "\n".join(lines) + "\n"

    def start(self) -> None:
        last_error = ""
        for _attempt in range(3):  # a free port can be taken between probe and bind
            self.port = free_port()
            config = self.workdir / f"config-{self.port}.yml"
            config.write_text(self._config(), encoding="utf-8")
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    [self.binary, "serve", str(config)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            if self._wait_ready():
                return
            self.stop()
            last_error = self.log_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"docker-registry did not start:\n{last_error}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/v2/", timeout=1) as response:
                    if response.status == 200:
                        return True
            except urllib.error.HTTPError as error:
                if error.code == 401:  # token-protected: answering is enough
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


# -- pushing images ----------------------------------------------------------------------------


@dataclass
class PushedImage:
    repository: str
    tag: str
    index_digest: str
    index_media_type: str
    platform_digests: dict[str, str]
    layer_sizes: dict[str, list[int]]
    config_sizes: dict[str, int]
    created: str
    attestation_digests: list[str] = field(default_factory=list)

    def total(self, platform: str) -> int:
        return sum(self.layer_sizes[platform])


def _push_blob(client: httpx.Client, base: str, repo: str, data: bytes) -> str:
    digest = sha256(data)
    start = client.post(f"{base}/v2/{repo}/blobs/uploads/")
    assert start.status_code == 202, start.text
    location = httpx.URL(base).join(start.headers["location"])
    done = client.put(
        location.copy_merge_params({"digest": digest}),
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert done.status_code == 201, done.text
    return digest


def _push_manifest(
    client: httpx.Client, base: str, repo: str, reference: str, body: bytes, media_type: str
) -> str:
    response = client.put(
        f"{base}/v2/{repo}/manifests/{reference}",
        content=body,
        headers={"Content-Type": media_type},
    )
    assert response.status_code == 201, response.text
    digest = sha256(body)
    assert response.headers.get("docker-content-digest") == digest
    return digest


def push_image(
    base: str,
    repo: str,
    tag: str,
    layer_sizes: dict[str, list[int]],
    *,
    docker_types: bool = False,
    attestation: bool = True,
    created: str = "2026-03-04T05:06:07Z",
    seed: int = 1,
) -> PushedImage:
    """Push `repo:tag` as an OCI index (or a Docker manifest list with `docker_types`) with one
    image manifest per platform whose layers have exactly `layer_sizes[platform]` bytes."""
    rng = random.Random(seed)
    manifest_type = DOCKER_MANIFEST if docker_types else OCI_MANIFEST
    config_type = DOCKER_CONFIG if docker_types else OCI_CONFIG
    layer_type = DOCKER_LAYER if docker_types else OCI_LAYER
    index_type = DOCKER_LIST if docker_types else OCI_INDEX
    entries = []
    platform_digests: dict[str, str] = {}
    config_sizes: dict[str, int] = {}
    attestations: list[str] = []
    with httpx.Client(timeout=10, trust_env=False) as client:
        for platform, sizes in layer_sizes.items():
            os_name, arch, *rest = platform.split("/")
            variant = rest[0] if rest else None
            layers = []
            for size in sizes:
                blob = rng.randbytes(size)
                layers.append(
                    {
                        "mediaType": layer_type,
                        "digest": _push_blob(client, base, repo, blob),
                        "size": size,
                    }
                )
            config_doc = {
                "architecture": arch,
                "os": os_name,
                "created": created,
                "rootfs": {"type": "layers", "diff_ids": [layer["digest"] for layer in layers]},
                "config": {},
            }
            if variant:
                config_doc["variant"] = variant
            config = json.dumps(config_doc).encode()
            config_digest = _push_blob(client, base, repo, config)
            config_sizes[platform] = len(config)
            manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": manifest_type,
                    "config": {
                        "mediaType": config_type,
                        "digest": config_digest,
                        "size": len(config),
                    },
                    "layers": layers,
                }
            ).encode()
            digest = _push_manifest(client, base, repo, sha256(manifest), manifest, manifest_type)
            platform_digests[platform] = digest
            plat: dict[str, str] = {"architecture": arch, "os": os_name}
            if variant:
                plat["variant"] = variant
            entries.append(
                {
                    "mediaType": manifest_type,
                    "digest": digest,
                    "size": len(manifest),
                    "platform": plat,
                }
            )
            if attestation:
                # What BuildKit adds per platform: an image manifest of in-toto blobs,
                # listed as unknown/unknown with a reference annotation.
                statement = json.dumps(
                    {"_type": "https://in-toto.io/Statement/v0.1", "subject": [{"digest": digest}]}
                ).encode()
                statement_digest = _push_blob(client, base, repo, statement)
                empty = b"{}"
                empty_digest = _push_blob(client, base, repo, empty)
                att = json.dumps(
                    {
                        "schemaVersion": 2,
                        "mediaType": OCI_MANIFEST,
                        "config": {
                            "mediaType": OCI_CONFIG,
                            "digest": empty_digest,
                            "size": len(empty),
                        },
                        "layers": [
                            {
                                "mediaType": IN_TOTO,
                                "digest": statement_digest,
                                "size": len(statement),
                            }
                        ],
                    }
                ).encode()
                att_digest = _push_manifest(client, base, repo, sha256(att), att, OCI_MANIFEST)
                attestations.append(att_digest)
                entries.append(
                    {
                        "mediaType": OCI_MANIFEST,
                        "digest": att_digest,
                        "size": len(att),
                        "platform": {"architecture": "unknown", "os": "unknown"},
                        "annotations": {
                            "vnd.docker.reference.digest": digest,
                            "vnd.docker.reference.type": "attestation-manifest",
                        },
                    }
                )
        index = json.dumps(
            {"schemaVersion": 2, "mediaType": index_type, "manifests": entries}
        ).encode()
        index_digest = _push_manifest(client, base, repo, tag, index, index_type)
    return PushedImage(
        repository=repo,
        tag=tag,
        index_digest=index_digest,
        index_media_type=index_type,
        platform_digests=platform_digests,
        layer_sizes={p: list(s) for p, s in layer_sizes.items()},
        config_sizes=config_sizes,
        created=created,
        attestation_digests=attestations,
    )


# -- token service -----------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SigningKey:
    """A throw-away RSA key and self-signed certificate made with the openssl CLI."""

    def __init__(self, folder: Path) -> None:
        self.key = folder / "signer.key"
        self.cert = folder / "signer.crt"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                str(self.key),
                "-out",
                str(self.cert),
                "-days",
                "2",
                "-subj",
                "/CN=msb-lsp test token signer",
            ],
            check=True,
            capture_output=True,
        )
        der = subprocess.run(
            ["openssl", "x509", "-in", str(self.cert), "-outform", "DER"],
            check=True,
            capture_output=True,
        ).stdout
        self.x5c = base64.b64encode(der).decode("ascii")

    def sign(self, data: bytes) -> bytes:
        return subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", str(self.key)],
            input=data,
            check=True,
            capture_output=True,
        ).stdout

    def jwt(self, claims: dict[str, object]) -> str:
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        signing_input = (
            _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(claims).encode())
        )
        return signing_input + "." + _b64url(self.sign(signing_input.encode("ascii")))


class TokenServer:
    """`GET /token?service=…&scope=repository:<name>:pull` → anonymous pull token."""

    def __init__(self, key: SigningKey, service: str, issuer: str, expires_in: int = 300) -> None:
        self.key = key
        self.service = service
        self.issuer = issuer
        self.expires_in = expires_in
        self.requests: list[dict[str, list[str]]] = []
        self.authorization_headers: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                server.requests.append(query)
                server.authorization_headers.append(self.headers.get("Authorization"))
                if parts.path != "/token":
                    self.send_error(404)
                    return
                access = []
                for scope in query.get("scope", []):
                    kind, _, rest = scope.partition(":")
                    name, _, actions = rest.rpartition(":")
                    # Anonymous users may pull, nothing else.
                    allowed = [a for a in actions.split(",") if a == "pull"]
                    access.append({"type": kind, "name": name, "actions": allowed})
                now = int(time.time())
                token = server.key.jwt(
                    {
                        "iss": server.issuer,
                        "sub": "",
                        "aud": query.get("service", [""])[0],
                        "exp": now + server.expires_in,
                        "nbf": now - 30,
                        "iat": now,
                        "jti": os.urandom(8).hex(),
                        "access": access,
                    }
                )
                body = json.dumps(
                    {"token": token, "access_token": token, "expires_in": server.expires_in}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def start(self) -> TokenServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def token_auth_yaml(realm: str, service: str, issuer: str, cert: Path) -> str:
    return "\n".join(
        [
            "auth:",
            "  token:",
            f"    realm: {realm}",
            f"    service: {service}",
            f"    issuer: {issuer}",
            f"    rootcertbundle: {json.dumps(str(cert))}",
        ]
    )


# -- scripted fake servers ---------------------------------------------------------------------


@dataclass
class FakeRequest:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class FakeReply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds to stall before answering (woken early on stop)
    content_length: bool = True  # False: no Content-Length, body ends when the socket closes


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 answering with `handler(request)`."""

    def __init__(self, handler: Callable[[FakeRequest], FakeReply]) -> None:
        self.handler = handler
        self.requests: list[FakeRequest] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                request = FakeRequest(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}
                )
                server.requests.append(request)
                reply = server.handler(request)
                if reply.delay and server.stopping.wait(reply.delay):
                    return
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.content_length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    if self.command != "HEAD":
                        view = memoryview(reply.body)
                        for start in range(0, len(view), 65536):
                            self.wfile.write(view[start : start + 65536])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on purpose (size cap, deadline)

            do_GET = _serve
            do_HEAD = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
