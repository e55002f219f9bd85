"""The registry client against small scripted servers on 127.0.0.1: the token flow, and
every way a registry can misbehave. No Debian package needed."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.images.registry import (
    FailureKind,
    RegistryClient,
    RegistrySettings,
    api_host,
    parse_challenge,
)
from tests.images.support import (
    OCI_CONFIG,
    OCI_INDEX,
    OCI_LAYER,
    OCI_MANIFEST,
    FakeReply,
    FakeRequest,
    FakeServer,
    free_port,
)

REPO = "msb/app"
TOKEN = "tok-3f1e9c0d-not-a-real-token"


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Content:
    """A two-platform image (plus an attestation entry) as a fake registry serves it."""

    def __init__(self) -> None:
        self.blobs: dict[str, tuple[str, bytes]] = {}
        entries = []
        self.platform_digests: dict[str, str] = {}
        for platform, sizes in (("linux/amd64", [100, 23]), ("linux/arm64", [50])):
            os_name, arch = platform.split("/")
            config = json.dumps(
                {"os": os_name, "architecture": arch, "created": "2026-02-03T04:05:06Z"}
            ).encode()
            config_digest = digest_of(config)
            self.blobs[config_digest] = (OCI_CONFIG, config)
            manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": OCI_MANIFEST,
                    "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": 1},
                    "layers": [
                        {"mediaType": OCI_LAYER, "digest": digest_of(bytes([i])), "size": s}
                        for i, s in enumerate(sizes)
                    ],
                }
            ).encode()
            digest = digest_of(manifest)
            self.blobs[digest] = (OCI_MANIFEST, manifest)
            self.platform_digests[platform] = digest
            entries.append(
                {"mediaType": OCI_MANIFEST, "digest": digest, "size": len(manifest),
                 "platform": {"os": os_name, "architecture": arch}}
            )  # fmt: skip
        entries.append(
            {"mediaType": OCI_MANIFEST, "digest": "sha256:" + "9" * 64, "size": 1,
             "platform": {"os": "unknown", "architecture": "unknown"}}
        )  # fmt: skip
        self.index = json.dumps(
            {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}
        ).encode()
        self.index_digest = digest_of(self.index)

    def reply(self, request: FakeRequest) -> FakeReply | None:
        """The registry answer for `request`, or None for a path it does not know."""
        prefix = f"/v2/{REPO}/"
        if not request.path.startswith(prefix):
            return None
        kind, _, reference = request.path[len(prefix) :].partition("/")
        if kind == "manifests" and reference == "1.0":
            media_type, body = OCI_INDEX, self.index
        elif reference in self.blobs:
            media_type, body = self.blobs[reference]
        else:
            return FakeReply(404, body=b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')
        headers = {"Content-Type": media_type, "Docker-Content-Digest": digest_of(body)}
        return FakeReply(200, headers, body)


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[FakeRequest], FakeReply]], FakeServer]]:
    servers: list[FakeServer] = []

    def start(handler: Callable[[FakeRequest], FakeReply]) -> FakeServer:
        server = FakeServer(handler).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ref_on(server: FakeServer, tag: str = "1.0") -> ImageRef:
    ref = parse_image_ref(f"{server.host}/{REPO}:{tag}")
    assert ref is not None
    return ref


def client(**settings: object) -> RegistryClient:
    clock = settings.pop("clock", None)
    kwargs = {"clock": clock} if clock is not None else {}
    return RegistryClient(RegistrySettings(**settings), **kwargs)  # type: ignore[arg-type]


async def test_sizes_from_a_plain_registry(serve) -> None:  # type: ignore[no-untyped-def]
    content = Content()
    server = serve(lambda r: content.reply(r) or FakeReply(404))
    async with client() as c:
        result = await c.fetch(ref_on(server))
    assert result.ok, result.note
    assert result.digest == content.index_digest
    assert result.media_type == OCI_INDEX
    assert [(p.platform, p.compressed_bytes, p.layers, p.created) for p in result.platforms] == [
        ("linux/amd64", 123, 2, "2026-02-03"),
        ("linux/arm64", 50, 1, "2026-02-03"),
    ]
    assert result.available_platforms == ("linux/amd64", "linux/arm64")
    first = server.requests[0]
    for media_type in (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ):
        assert media_type in first.headers["accept"]


async def test_slow_registry_times_out_within_the_deadline(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(lambda r: FakeReply(200, body=b"{}", delay=30))
    started = time.monotonic()
    async with client(timeout=0.5) as c:
        result = await c.fetch(ref_on(server))
    elapsed = time.monotonic() - started
    assert not result.ok
    assert result.failure is FailureKind.TIMEOUT
    assert result.note == "registry timed out"
    assert elapsed < 5  # the deadline is the feature; the server would stall for 30 s


async def test_server_error(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(lambda r: FakeReply(500, body=b"oops"))
    async with client() as c:
        result = await c.fetch(ref_on(server))
    assert result.failure is FailureKind.SERVER_ERROR
    assert "500" in result.note


async def test_not_found(serve) -> None:  # type: ignore[no-untyped-def]
    content = Content()
    server = serve(lambda r: content.reply(r) or FakeReply(404))
    async with client() as c:
        result = await c.fetch(ref_on(server, "9.9"))
    assert result.failure is FailureKind.NOT_FOUND


async def test_rate_limit_backs_off_without_retrying(serve) -> None:  # type: ignore[no-untyped-def]
    content = Content()
    limited = {"on": True}

    def handler(request: FakeRequest) -> FakeReply:
        if limited["on"]:
            return FakeReply(429, {"Retry-After": "120"}, b'{"errors":[]}')
        return content.reply(request) or FakeReply(404)

    server = serve(handler)
    clock = Clock()
    async with client(clock=clock) as c:
        first = await c.fetch(ref_on(server))
        assert first.failure is FailureKind.RATE_LIMITED
        assert first.retry_after == 120
        assert "rate-limited by registry" in first.note
        assert len(server.requests) == 1

        clock.now += 60
        second = await c.fetch(ref_on(server))
        assert second.failure is FailureKind.RATE_LIMITED
        assert second.retry_after == pytest.approx(60)
        assert len(server.requests) == 1  # no request at all while backing off

        limited["on"] = False
        clock.now += 61
        third = await c.fetch(ref_on(server))
        assert third.ok


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({}, 60.0), ({"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"}, 6 * 3600.0)],
)
async def test_rate_limit_default_and_dated_back_off(serve, headers, expected) -> None:  # type: ignore[no-untyped-def]
    server = serve(lambda r: FakeReply(429, headers))
    async with client() as c:
        result = await c.fetch(ref_on(server))
    assert result.failure is FailureKind.RATE_LIMITED
    assert result.retry_after == pytest.approx(expected)


async def test_malformed_json(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(lambda r: FakeReply(200, {"Content-Type": OCI_INDEX}, b'{"manifests": [1,'))
    async with client() as c:
        result = await c.fetch(ref_on(server))
    assert result.failure is FailureKind.MALFORMED
    assert "malformed" in result.note


@pytest.mark.parametrize("declared", [True, False])
async def test_huge_manifest_is_cut_off(serve, declared: bool) -> None:  # type: ignore[no-untyped-def]
    body = b'{"pad": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    server = serve(
        lambda r: FakeReply(200, {"Content-Type": OCI_INDEX}, body, content_length=declared)
    )
    async with client(max_manifest_bytes=4 * 1024 * 1024) as c:
        result = await c.fetch(ref_on(server))
    assert result.failure is FailureKind.TOO_LARGE


async def test_401_without_a_challenge(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(lambda r: FakeReply(401))
    async with client() as c:
        result = await c.fetch(ref_on(server))
    assert result.failure is FailureKind.UNAUTHORIZED
    assert "without a challenge" in result.note


def basic_registry(content: Content) -> Callable[[FakeRequest], FakeReply]:
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()

    def handler(request: FakeRequest) -> FakeReply:
        if request.headers.get("authorization") != expected:
            return FakeReply(401, {"WWW-Authenticate": 'Basic realm="msb test"'})
        return content.reply(request) or FakeReply(404)

    return handler


async def test_basic_auth_gives_up_without_credentials(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = serve(basic_registry(Content()))
    config = tmp_path / "config.json"
    auth = base64.b64encode(b"alice:s3cret").decode()
    config.write_text(json.dumps({"auths": {server.host: {"auth": auth}}}))
    async with client(docker_config=config) as c:  # use_credentials is off by default
        result = await c.fetch(ref_on(server))
    assert result.failure is FailureKind.UNAUTHORIZED
    assert "credentials are off" in result.note
    assert all("authorization" not in r.headers for r in server.requests)


async def test_basic_auth_with_credentials_from_docker_config(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = serve(basic_registry(Content()))
    config = tmp_path / "config.json"
    auth = base64.b64encode(b"alice:s3cret").decode()
    config.write_text(json.dumps({"auths": {f"http://{server.host}/v1/": {"auth": auth}}}))
    async with client(use_credentials=True, docker_config=config) as c:
        result = await c.fetch(ref_on(server))
    assert result.ok, result.note


class TokenRegistry:
    """A registry that wants `Bearer <token>` and issues tokens at /token on itself."""

    def __init__(self, content: Content, expires_in: int | None = 300) -> None:
        self.content = content
        self.expires_in = expires_in
        self.token_requests: list[FakeRequest] = []
        self.server: FakeServer | None = None
        self.redirect_to: str | None = None

    def __call__(self, request: FakeRequest) -> FakeReply:
        assert self.server is not None
        if request.path.startswith("/token"):
            self.token_requests.append(request)
            body: dict[str, object] = {"token": TOKEN}
            if self.expires_in is not None:
                body["expires_in"] = self.expires_in
            return FakeReply(200, {"Content-Type": "application/json"}, json.dumps(body).encode())
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            challenge = (
                f'Bearer realm="http://{self.server.host}/token",service="fake-registry",'
                f'scope="repository:{REPO}:pull"'
            )
            return FakeReply(401, {"WWW-Authenticate": challenge})
        if self.redirect_to and request.path == f"/v2/{REPO}/manifests/1.0":
            return FakeReply(307, {"Location": self.redirect_to})
        return self.content.reply(request) or FakeReply(404)


async def test_token_flow_and_token_cache(serve, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    registry = TokenRegistry(Content(), expires_in=300)
    registry.server = serve(registry)
    clock = Clock()
    with caplog.at_level(logging.DEBUG):
        async with client(clock=clock) as c:
            first = await c.fetch(ref_on(registry.server))
            assert first.ok, first.note
            assert len(registry.token_requests) == 1
            query = registry.token_requests[0].path
            assert "service=fake-registry" in query
            assert "scope=repository%3Amsb%2Fapp%3Apull" in query
            assert "authorization" not in registry.token_requests[0].headers  # anonymous

            second = await c.fetch(ref_on(registry.server))
            assert second.ok
            assert len(registry.token_requests) == 1  # cached

            clock.now += 300  # past expiry
            third = await c.fetch(ref_on(registry.server))
            assert third.ok
            assert len(registry.token_requests) == 2
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert TOKEN not in repr(first)


async def test_token_without_expiry_is_kept_60_seconds(serve) -> None:  # type: ignore[no-untyped-def]
    registry = TokenRegistry(Content(), expires_in=None)
    registry.server = serve(registry)
    clock = Clock()
    async with client(clock=clock) as c:
        assert (await c.fetch(ref_on(registry.server))).ok
        clock.now += 45
        assert (await c.fetch(ref_on(registry.server))).ok
        assert len(registry.token_requests) == 1
        clock.now += 20
        assert (await c.fetch(ref_on(registry.server))).ok
        assert len(registry.token_requests) == 2


async def test_redirect_to_another_host_drops_authorization(serve) -> None:  # type: ignore[no-untyped-def]
    content = Content()
    elsewhere = serve(
        lambda r: FakeReply(
            200,
            {"Content-Type": OCI_MANIFEST},
            content.blobs[content.platform_digests["linux/amd64"]][1],
        )
    )
    registry = TokenRegistry(content)
    registry.server = serve(registry)
    registry.redirect_to = f"http://{elsewhere.host}/cdn/manifest?sig=abc"
    async with client() as c:
        result = await c.fetch(ref_on(registry.server))
    assert result.ok, result.note
    assert [p.compressed_bytes for p in result.platforms] == [123]
    assert len(elsewhere.requests) == 1
    assert "authorization" not in elsewhere.requests[0].headers
    redirected = [r for r in registry.server.requests if r.path == f"/v2/{REPO}/manifests/1.0"]
    assert redirected[-1].headers.get("authorization") == f"Bearer {TOKEN}"


async def test_redirect_on_the_same_host_keeps_authorization(serve) -> None:  # type: ignore[no-untyped-def]
    content = Content()
    registry = TokenRegistry(content)
    registry.server = serve(registry)
    amd64 = content.platform_digests["linux/amd64"]
    registry.redirect_to = f"/v2/{REPO}/manifests/{amd64}"
    async with client() as c:
        result = await c.fetch(ref_on(registry.server))
    assert result.ok, result.note
    followed = [r for r in registry.server.requests if r.path.endswith(amd64)]
    assert followed and followed[0].headers.get("authorization") == f"Bearer {TOKEN}"


async def test_redirect_to_plain_http_elsewhere_is_refused(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(lambda r: FakeReply(302, {"Location": "http://cdn.example.test/blob"}))
    async with client() as c:
        result = await c.fetch(ref_on(server))
    assert result.failure is FailureKind.INSECURE


async def test_token_realm_over_plain_http_elsewhere_is_refused(serve) -> None:  # type: ignore[no-untyped-def]
    challenge = 'Bearer realm="http://auth.example.test/token",service="x"'
    server = serve(lambda r: FakeReply(401, {"WWW-Authenticate": challenge}))
    async with client() as c:
        result = await c.fetch(ref_on(server))
    assert result.failure is FailureKind.INSECURE


async def test_manifest_that_does_not_match_its_digest(serve) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"schemaVersion": 2, "layers": []}).encode()
    server = serve(lambda r: FakeReply(200, {"Content-Type": OCI_MANIFEST}, body))
    ref = parse_image_ref(f"{server.host}/{REPO}@sha256:{'4' * 64}")
    assert ref is not None
    async with client() as c:
        result = await c.fetch(ref)
    assert result.failure is FailureKind.MALFORMED
    assert "digest" in result.note


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ({"schemaVersion": 1, "fsLayers": []}, FailureKind.UNSUPPORTED),
        ({"schemaVersion": 2, "something": "else"}, FailureKind.UNSUPPORTED),
        ({"schemaVersion": 2, "layers": [{"size": "12"}]}, FailureKind.MALFORMED),
        ({"schemaVersion": 2, "layers": [{"size": -1}]}, FailureKind.MALFORMED),
        ([1, 2, 3], FailureKind.MALFORMED),
        (
            {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
                {"digest": "sha256:" + "5" * 64, "platform": {"os": "unknown",
                                                            "architecture": "unknown"}},
                {"digest": "sha256:" + "6" * 64, "platform": {"os": "windows",
                                                            "architecture": "amd64"}},
            ]},
            FailureKind.NO_PLATFORM,
        ),
    ],
)  # fmt: skip
async def test_unusable_manifests(serve, document: object, kind: FailureKind) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(document).encode()
    server = serve(lambda r: FakeReply(200, {"Content-Type": "application/json"}, body))
    async with client() as c:
        result = await c.fetch(ref_on(server))
    assert result.failure is kind, result.note
    if kind is FailureKind.NO_PLATFORM:
        assert "windows/amd64" in result.note and "unknown" not in result.note


async def test_head_with_a_known_digest_fetches_nothing_else(serve) -> None:  # type: ignore[no-untyped-def]
    content = Content()
    server = serve(lambda r: content.reply(r) or FakeReply(404))
    async with client() as c:
        result = await c.fetch(ref_on(server), known=lambda d: d == content.index_digest)
    assert result.ok and result.reused_digest and result.platforms == ()
    assert result.digest == content.index_digest
    assert [r.method for r in server.requests] == ["HEAD"]


async def test_head_refused_falls_back_to_get(serve) -> None:  # type: ignore[no-untyped-def]
    content = Content()

    def handler(request: FakeRequest) -> FakeReply:
        if request.method == "HEAD":
            return FakeReply(405)
        return content.reply(request) or FakeReply(404)

    server = serve(handler)
    async with client() as c:
        result = await c.fetch(ref_on(server), known=lambda d: True)
    assert result.ok and not result.reused_digest
    assert [p.compressed_bytes for p in result.platforms] == [123, 50]


async def test_unreachable_registry_is_a_result_not_an_exception() -> None:
    ref = parse_image_ref(f"127.0.0.1:{free_port()}/{REPO}:1.0")
    assert ref is not None
    async with client() as c:
        result = await c.fetch(ref)
    assert result.failure is FailureKind.NETWORK
    assert "unreachable" in result.note


def test_hosts_and_schemes() -> None:
    c = client(plain_http=frozenset({"127.0.0.1", "localhost", "::1", "myreg.test:5000"}))
    assert api_host("docker.io") == "registry-1.docker.io"
    assert api_host("gcr.io") == "gcr.io"
    assert c._base_url("docker.io") == "https://registry-1.docker.io"
    assert c._base_url("gcr.io") == "https://gcr.io"
    assert c._base_url("127.0.0.1:5000") == "http://127.0.0.1:5000"
    assert c._base_url("localhost:5000") == "http://localhost:5000"
    assert c._base_url("[::1]:5000") == "http://[::1]:5000"
    assert c._base_url("myreg.test:5000") == "http://myreg.test:5000"
    assert c._base_url("myreg.test:5001") == "https://myreg.test:5001"
    assert client()._base_url("myreg.test:5000") == "https://myreg.test:5000"


@pytest.mark.parametrize(
    ("values", "scheme", "params"),
    [
        (
            ['Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
             'scope="repository:library/node:pull"'],
            "bearer",
            {"realm": "https://auth.docker.io/token", "service": "registry.docker.io",
             "scope": "repository:library/node:pull"},
        ),
        (['Basic realm="Registry Realm"'], "basic", {"realm": "Registry Realm"}),
        (['Basic realm="x"', 'Bearer realm="https://t",service=s'], "bearer",
         {"realm": "https://t", "service": "s"}),
        (['bearer realm="a\\"b"'], "bearer", {"realm": 'a"b'}),
    ],
)  # fmt: skip
def test_parse_challenge(values: list[str], scheme: str, params: dict[str, str]) -> None:
    challenge = parse_challenge(values)
    assert challenge is not None
    assert challenge.scheme == scheme
    assert challenge.params == params


def test_parse_challenge_nothing() -> None:
    assert parse_challenge([]) is None
    assert parse_challenge(["   "]) is None
