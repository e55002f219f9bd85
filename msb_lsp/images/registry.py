"""A small async client for OCI / Docker Distribution registries: how big is an image?

It resolves a reference to its index or manifest, picks the requested platforms, and sums the
layer sizes (the compressed download size). It does the anonymous token flow (401 challenge →
token realm → Bearer), caches tokens in memory until they expire, follows redirects itself so
that `Authorization` never travels to another host, caps response sizes, bounds every lookup
by a deadline, and backs off after 429. It never raises to the caller: every problem is a
`RegistryResult` with a `FailureKind` and a short human note. Tokens are never logged or
written anywhere.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import enum
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
else:

    class _LazyHttpx:
        """httpx is imported on first use: the server starts faster, and a session that
        never asks a registry never loads it."""

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            import importlib

            module = importlib.import_module("httpx")
            globals()["httpx"] = module
            return getattr(module, name)

    httpx = _LazyHttpx()

from msb_lsp.images.platforms import DEFAULT_PLATFORMS, normalize_platform, platform_of
from msb_lsp.images.reference import DOCKER_HUB, ImageRef

__all__ = [
    "ACCEPT_MANIFESTS",
    "LOOPBACK_HOSTS",
    "Challenge",
    "FailureKind",
    "PingResult",
    "PlatformManifest",
    "RegistryClient",
    "RegistryResult",
    "RegistrySettings",
    "api_host",
    "parse_challenge",
]

log = logging.getLogger("msb_lsp.images")

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
ACCEPT_MANIFESTS = ", ".join((OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST))
_ACCEPT_IMAGE = ", ".join((OCI_MANIFEST, DOCKER_MANIFEST))

LOOPBACK_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})
_HUB_API_HOST = "registry-1.docker.io"
_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
_REDIRECTS = {301, 302, 303, 307, 308}
_MAX_BACKOFF = 6 * 3600.0
_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AUTH_PARAM_RE = re.compile(r'\s*([A-Za-z][A-Za-z0-9_.-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?')


class FailureKind(str, enum.Enum):
    """Why a live lookup gave no size."""

    TIMEOUT = "timeout"
    RATE_LIMITED = "rate-limited"
    NOT_FOUND = "not-found"
    UNAUTHORIZED = "unauthorized"
    SERVER_ERROR = "server-error"
    MALFORMED = "malformed"
    TOO_LARGE = "too-large"
    NETWORK = "network"
    INSECURE = "insecure"
    UNSUPPORTED = "unsupported"
    NO_PLATFORM = "no-platform"


@dataclass(frozen=True)
class PlatformManifest:
    """One platform's image: compressed size = sum of its layer sizes."""

    platform: str
    compressed_bytes: int
    layers: int
    digest: str
    created: str | None = None  # YYYY-MM-DD from the image config, when it could be read


@dataclass(frozen=True)
class RegistryResult:
    """Outcome of one lookup. `ok` with `reused_digest` means the HEAD answer matched a digest
    the caller already knows, so no manifest was fetched (`platforms` is empty)."""

    ref: ImageRef
    ok: bool
    digest: str | None = None
    media_type: str | None = None
    platforms: tuple[PlatformManifest, ...] = ()
    available_platforms: tuple[str, ...] = ()
    failure: FailureKind | None = None
    note: str = ""
    retry_after: float | None = None
    reused_digest: bool = False


@dataclass(frozen=True)
class RegistrySettings:
    """Knobs of the client. `plain_http` lists hosts (optionally `host:port`) that are spoken
    to over plain HTTP; every other registry is HTTPS only."""

    plain_http: frozenset[str] = LOOPBACK_HOSTS
    timeout: float = 3.0  # total budget of one lookup, all requests included
    connect_timeout: float = 3.0
    max_manifest_bytes: int = 4 * 1024 * 1024
    max_config_bytes: int = 1024 * 1024
    max_token_bytes: int = 1024 * 1024
    fetch_created: bool = True
    use_credentials: bool = False
    docker_config: Path | None = None
    default_backoff: float = 60.0
    max_redirects: int = 5
    trust_env: bool = True  # proxies / CA bundle from the environment (never for loopback)
    user_agent: str = "msb-lsp"


@dataclass(frozen=True)
class Challenge:
    """A parsed `WWW-Authenticate` challenge."""

    scheme: str  # lower-case: "bearer", "basic", ...
    params: dict[str, str] = field(default_factory=dict)

    @property
    def realm(self) -> str | None:
        return self.params.get("realm")


@dataclass(frozen=True)
class PingResult:
    """What `GET /v2/` said: reachable, and which login the registry asks for (None = open)."""

    registry: str
    reachable: bool
    status: int | None = None
    auth: str | None = None  # "bearer", "basic", ...
    realm: str | None = None
    note: str = ""


class _Failure(Exception):
    def __init__(self, kind: FailureKind, note: str, retry_after: float | None = None) -> None:
        super().__init__(note)
        self.kind = kind
        self.note = note
        self.retry_after = retry_after


@dataclass
class _Token:
    value: str
    expires_at: float


@dataclass
class _Response:
    status: int
    headers: httpx.Headers
    body: bytes
    url: httpx.URL


def api_host(registry: str) -> str:
    """The host to talk to: Docker Hub's API lives at registry-1.docker.io."""
    return _HUB_API_HOST if registry in _HUB_ALIASES else registry


def _split_host(hostport: str) -> tuple[str, str | None]:
    """('host', 'port' or None); IPv6 brackets removed."""
    if hostport.startswith("["):
        end = hostport.find("]")
        host = hostport[1:end]
        rest = hostport[end + 1 :]
        return host.lower(), rest[1:] if rest.startswith(":") else None
    if hostport.count(":") == 1:
        host, port = hostport.split(":")
        return host.lower(), port
    return hostport.lower(), None


def parse_challenge(values: Iterable[str]) -> Challenge | None:
    """The most useful challenge of the `WWW-Authenticate` header values (Bearer first)."""
    found: list[Challenge] = []
    for value in values:
        value = value.strip()
        match = re.match(r"([A-Za-z][A-Za-z0-9_-]*)(?:\s+|$)", value)
        if match is None:
            continue
        scheme = match.group(1).lower()
        params: dict[str, str] = {}
        pos = match.end()
        while pos < len(value):
            param = _AUTH_PARAM_RE.match(value, pos)
            if param is None or param.end() == pos:
                break
            raw = param.group(2)
            if raw.startswith('"'):
                raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
            params[param.group(1).lower()] = raw
            pos = param.end()
        found.append(Challenge(scheme=scheme, params=params))
    for scheme in ("bearer", "basic"):
        for challenge in found:
            if challenge.scheme == scheme:
                return challenge
    return found[0] if found else None


def _retry_after(value: str | None, default: float) -> float:
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_BACKOFF)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return min(max(0.0, when.timestamp() - time.time()), _MAX_BACKOFF)


def _load_docker_auths(path: Path | None) -> dict[str, tuple[str, str]]:
    """registry → (user, password) from docker's config.json `auths` (no helpers are run)."""
    if path is None:
        base = os.environ.get("DOCKER_CONFIG")
        path = Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    auths = data.get("auths") if isinstance(data, dict) else None
    if not isinstance(auths, dict):
        return {}
    out: dict[str, tuple[str, str]] = {}
    for key, entry in auths.items():
        if not isinstance(entry, dict):
            continue
        host = re.sub(r"^[a-z]+://", "", str(key)).split("/")[0]
        if host in _HUB_ALIASES:
            host = DOCKER_HUB
        user, password = entry.get("username"), entry.get("password")
        encoded = entry.get("auth")
        if isinstance(encoded, str) and encoded:
            try:
                user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                continue
        if isinstance(user, str) and isinstance(password, str) and user:
            out[host] = (user, password)
    return out


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _Failure(FailureKind.MALFORMED, f"registry sent malformed JSON ({what})") from None
    if not isinstance(data, dict):
        raise _Failure(FailureKind.MALFORMED, f"registry sent unexpected JSON ({what})")
    return data


def _content_type(headers: httpx.Headers) -> str | None:
    value = headers.get("content-type")
    return value.split(";")[0].strip() if value else None


class RegistryClient:
    """Async registry client; one instance per process is enough (tokens, back-offs and the
    connection pool are shared). Call `aclose()` when done."""

    def __init__(
        self,
        settings: RegistrySettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or RegistrySettings()
        self._transport = transport
        self._clock = clock
        self._client: httpx.AsyncClient | None = None
        self._tokens: dict[tuple[str, str], _Token] = {}
        self._backoff: dict[str, float] = {}
        self._auths: dict[str, tuple[str, str]] | None = None
        self.requests_sent = 0  # for budgets and tests; counts every HTTP request

    # -- plumbing ---------------------------------------------------------------------------

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            s = self.settings
            loopback_direct: dict[str, httpx.AsyncBaseTransport | None] = {
                "all://127.0.0.1": None,
                "all://localhost": None,
                "all://[::1]": None,
            }
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(s.timeout, connect=s.connect_timeout),
                follow_redirects=False,
                headers={"User-Agent": s.user_agent},
                trust_env=s.trust_env,
                transport=self._transport,
                mounts=None if self._transport is not None else loopback_direct,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> RegistryClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def allows_plain_http(self, hostport: str) -> bool:
        host, port = _split_host(hostport)
        for entry in self.settings.plain_http:
            e_host, e_port = _split_host(entry)
            if e_host == host and (e_port is None or e_port == port):
                return True
        return False

    def _base_url(self, registry: str) -> str:
        host = api_host(registry)
        scheme = "http" if self.allows_plain_http(host) else "https"
        return f"{scheme}://{host}"

    def _credentials(self, registry: str) -> tuple[str, str] | None:
        if not self.settings.use_credentials:
            return None
        if self._auths is None:
            self._auths = _load_docker_auths(self.settings.docker_config)
        return self._auths.get(registry)

    def backoff_remaining(self, registry: str) -> float:
        until = self._backoff.get(registry)
        return max(0.0, until - self._clock()) if until is not None else 0.0

    def _note_rate_limit(self, registry: str, response: _Response) -> _Failure:
        delay = _retry_after(response.headers.get("retry-after"), self.settings.default_backoff)
        self._backoff[registry] = self._clock() + delay
        return _Failure(
            FailureKind.RATE_LIMITED,
            f"rate-limited by registry; retrying after {delay:.0f} s",
            retry_after=delay,
        )

    async def _send(self, method: str, url: str, headers: dict[str, str], limit: int) -> _Response:
        """One request, following redirects by hand: `Authorization` is dropped as soon as the
        target origin differs from the original one, and HTTPS never downgrades to HTTP."""
        client = self._http()
        current = httpx.URL(url)
        origin = (current.scheme, current.host, current.port)
        headers = dict(headers)
        for _ in range(self.settings.max_redirects + 1):
            if current.scheme == "http" and (
                origin[0] == "https" or not self.allows_plain_http(current.netloc.decode())
            ):
                raise _Failure(FailureKind.INSECURE, f"refusing plain HTTP to {current.host}")
            if current.scheme not in ("http", "https"):
                raise _Failure(FailureKind.INSECURE, "refusing a non-HTTP redirect")
            if (current.scheme, current.host, current.port) != origin:
                headers.pop("Authorization", None)
            self.requests_sent += 1
            request = client.build_request(method, current, headers=headers)
            response = await client.send(request, stream=True)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    current = current.join(location)
                    if response.status_code == 303:
                        method = "GET"
                    continue
                body = b""
                if method != "HEAD" and response.status_code < 300:
                    body = await self._read_capped(response, limit)
                elif method != "HEAD":
                    # Error bodies are only ever glanced at; never read much of them.
                    body = await self._read_capped(response, 64 * 1024, strict=False)
                return _Response(response.status_code, response.headers, body, current)
            finally:
                await response.aclose()
        raise _Failure(FailureKind.NETWORK, "too many redirects")

    @staticmethod
    async def _read_capped(response: httpx.Response, limit: int, *, strict: bool = True) -> bytes:
        declared = response.headers.get("content-length")
        if strict and declared and declared.isdigit() and int(declared) > limit:
            raise _Failure(
                FailureKind.TOO_LARGE, f"registry response too large (over {limit} bytes)"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                if strict:
                    raise _Failure(
                        FailureKind.TOO_LARGE, f"registry response too large (over {limit} bytes)"
                    )
                chunks.append(chunk[: limit - (size - len(chunk))])
                break
            chunks.append(chunk)
        return b"".join(chunks)

    async def _fetch_token(self, registry: str, challenge: Challenge, scope: str) -> str:
        realm = challenge.realm
        if not realm:
            raise _Failure(FailureKind.UNAUTHORIZED, "registry's Bearer challenge has no realm")
        try:
            url = httpx.URL(realm)
        except httpx.InvalidURL:
            raise _Failure(FailureKind.UNAUTHORIZED, "registry's token realm is invalid") from None
        params: dict[str, str] = {"scope": challenge.params.get("scope") or scope}
        if challenge.params.get("service"):
            params["service"] = challenge.params["service"]
        headers: dict[str, str] = {"Accept": "application/json"}
        credentials = self._credentials(registry)
        if credentials is not None:
            headers["Authorization"] = _basic(*credentials)
        response = await self._send(
            "GET", str(url.copy_merge_params(params)), headers, self.settings.max_token_bytes
        )
        if response.status == 429:
            raise self._note_rate_limit(registry, response)
        if response.status != 200:
            raise _Failure(
                FailureKind.UNAUTHORIZED, f"token service refused access (HTTP {response.status})"
            )
        data = _json_object(response.body, "token")
        token = data.get("token") or data.get("access_token")
        if not isinstance(token, str) or not token:
            raise _Failure(FailureKind.MALFORMED, "token service answered without a token")
        expires_in = data.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) else 60.0
        # Renew a little before the registry would start refusing it.
        margin = min(10.0, lifetime / 4)
        self._tokens[(registry, scope)] = _Token(token, self._clock() + lifetime - margin)
        return token

    def _cached_token(self, registry: str, scope: str) -> str | None:
        token = self._tokens.get((registry, scope))
        if token is None:
            return None
        if token.expires_at <= self._clock():
            del self._tokens[(registry, scope)]
            return None
        return token.value

    async def _request(
        self, ref: ImageRef, method: str, path: str, accept: str, limit: int
    ) -> _Response:
        """A registry API request with the auth dance; non-2xx answers become failures."""
        registry = ref.registry
        scope = f"repository:{ref.repository}:pull"
        url = f"{self._base_url(registry)}/v2/{ref.repository}/{path}"
        headers = {"Accept": accept}
        token = self._cached_token(registry, scope)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = await self._send(method, url, headers, limit)
        if response.status == 401:
            challenge = parse_challenge(response.headers.get_list("www-authenticate"))
            if challenge is None:
                raise _Failure(
                    FailureKind.UNAUTHORIZED, "registry refused access (401 without a challenge)"
                )
            if challenge.scheme == "bearer":
                self._tokens.pop((registry, scope), None)
                token = await self._fetch_token(registry, challenge, scope)
                headers["Authorization"] = f"Bearer {token}"
            elif challenge.scheme == "basic":
                credentials = self._credentials(registry)
                if credentials is None:
                    raise _Failure(
                        FailureKind.UNAUTHORIZED,
                        "registry requires a login (Basic auth) and credentials are off",
                    )
                headers["Authorization"] = _basic(*credentials)
            else:
                raise _Failure(
                    FailureKind.UNAUTHORIZED, f"unsupported auth scheme {challenge.scheme!r}"
                )
            response = await self._send(method, url, headers, limit)
            if response.status == 401:
                raise _Failure(
                    FailureKind.UNAUTHORIZED, "registry refused access (private image or login)"
                )
        if response.status == 429:
            raise self._note_rate_limit(registry, response)
        if response.status == 404:
            raise _Failure(FailureKind.NOT_FOUND, "not found in the registry")
        if response.status == 403:
            raise _Failure(FailureKind.UNAUTHORIZED, "registry denied access (403)")
        if response.status >= 500:
            raise _Failure(FailureKind.SERVER_ERROR, f"registry error (HTTP {response.status})")
        if not 200 <= response.status < 300:
            raise _Failure(
                FailureKind.SERVER_ERROR, f"unexpected registry answer (HTTP {response.status})"
            )
        return response

    # -- manifests --------------------------------------------------------------------------

    async def _get_manifest(self, ref: ImageRef, reference: str, accept: str) -> tuple[str, dict]:
        response = await self._request(
            ref, "GET", f"manifests/{reference}", accept, self.settings.max_manifest_bytes
        )
        digest = "sha256:" + hashlib.sha256(response.body).hexdigest()
        if reference.startswith("sha256:") and digest != reference:
            raise _Failure(FailureKind.MALFORMED, "manifest does not match its digest")
        data = _json_object(response.body, "manifest")
        if data.get("schemaVersion") == 1:
            raise _Failure(FailureKind.UNSUPPORTED, "legacy schema 1 manifest: size unknown")
        media_type = data.get("mediaType") or _content_type(response.headers)
        data["mediaType"] = media_type
        return digest, data

    async def _created(self, ref: ImageRef, config_digest: str) -> tuple[str | None, dict]:
        """Best effort: the image config's creation date (and the config itself)."""
        try:
            response = await self._request(
                ref,
                "GET",
                f"blobs/{config_digest}",
                "application/json, */*",
                self.settings.max_config_bytes,
            )
            config = _json_object(response.body, "config")
        except _Failure:
            return None, {}
        created = config.get("created")
        if isinstance(created, str) and _DATE_RE.match(created):
            return created[:10], config
        return None, config

    @staticmethod
    def _layers(manifest: dict[str, Any]) -> tuple[int, int]:
        layers = manifest.get("layers")
        if not isinstance(layers, list):
            raise _Failure(FailureKind.MALFORMED, "manifest has no layer list")
        total = 0
        for layer in layers:
            size = layer.get("size") if isinstance(layer, dict) else None
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise _Failure(FailureKind.MALFORMED, "manifest layer without a valid size")
            total += size
        return total, len(layers)

    async def _platform_manifest(
        self, ref: ImageRef, platform: str | None, digest: str, manifest: dict | None
    ) -> tuple[PlatformManifest, str | None]:
        if manifest is None:
            digest, manifest = await self._get_manifest(ref, digest, _ACCEPT_IMAGE)
        total, count = self._layers(manifest)
        config = manifest.get("config")
        config_digest = config.get("digest") if isinstance(config, dict) else None
        size = PlatformManifest(
            platform=platform or "unknown",
            compressed_bytes=total,
            layers=count,
            digest=digest,
        )
        return size, config_digest if isinstance(config_digest, str) else None

    async def _add_created(
        self, ref: ImageRef, sizes: list[tuple[PlatformManifest, str | None]], budget: float
    ) -> list[PlatformManifest]:
        """Fill in creation dates (and the platform of a lone manifest) within `budget`."""
        wanted = [(s, c) for s, c in sizes if c and _DIGEST_RE.fullmatch(c)]
        if not self.settings.fetch_created or not wanted or budget <= 0:
            return [s for s, _ in sizes]
        try:
            configs = await asyncio.wait_for(
                asyncio.gather(*(self._created(ref, c) for _, c in wanted)), budget
            )
        except asyncio.TimeoutError:
            return [s for s, _ in sizes]
        by_digest = {c: result for (_, c), result in zip(wanted, configs, strict=True)}
        out = []
        for size, config_digest in sizes:
            created, config = by_digest.get(config_digest or "", (None, {}))
            platform = size.platform
            if platform == "unknown" and isinstance(config.get("os"), str):
                arch = config.get("architecture")
                if isinstance(arch, str):
                    variant = config.get("variant")
                    platform = platform_of(
                        config["os"], arch, variant if isinstance(variant, str) else None
                    )
            out.append(
                PlatformManifest(
                    platform=platform,
                    compressed_bytes=size.compressed_bytes,
                    layers=size.layers,
                    digest=size.digest,
                    created=created,
                )
            )
        return out

    async def _head_digest(self, ref: ImageRef, reference: str) -> tuple[str, str | None] | None:
        """The digest a HEAD reports for the tag, or None when HEAD is of no help here (some
        registries answer HEAD oddly; the GET that follows will tell what is really wrong)."""
        try:
            head = await self._request(ref, "HEAD", f"manifests/{reference}", ACCEPT_MANIFESTS, 0)
        except _Failure as failure:
            if failure.kind in (FailureKind.SERVER_ERROR, FailureKind.MALFORMED):
                return None
            raise
        digest = head.headers.get("docker-content-digest")
        if digest and _DIGEST_RE.fullmatch(digest):
            return digest, _content_type(head.headers)
        return None

    async def _lookup(
        self,
        ref: ImageRef,
        platforms: Sequence[str],
        known: Callable[[str], bool] | None,
        deadline_at: float,
    ) -> RegistryResult:
        loop = asyncio.get_running_loop()
        reference = ref.digest or ref.effective_tag
        if known is not None and ref.digest is None:
            head = await self._head_digest(ref, reference)
            if head is not None and known(head[0]):
                return RegistryResult(
                    ref=ref, ok=True, digest=head[0], media_type=head[1], reused_digest=True
                )
        digest, manifest = await self._get_manifest(ref, reference, ACCEPT_MANIFESTS)
        media_type = manifest.get("mediaType")
        entries = manifest.get("manifests")
        if isinstance(entries, list):
            available: dict[str, str] = {}
            for entry in entries:
                if not isinstance(entry, dict):
                    raise _Failure(FailureKind.MALFORMED, "index entry is not an object")
                plat = entry.get("platform")
                annotations = entry.get("annotations") or {}
                if not isinstance(plat, dict) or not isinstance(entry.get("digest"), str):
                    continue
                os_name, arch = plat.get("os"), plat.get("architecture")
                if not isinstance(os_name, str) or not isinstance(arch, str):
                    continue
                # BuildKit attestations: not images, one per platform in official images.
                if os_name == "unknown" or arch == "unknown":
                    continue
                if annotations.get("vnd.docker.reference.type") == "attestation-manifest":
                    continue
                variant = plat.get("variant")
                key = platform_of(os_name, arch, variant if isinstance(variant, str) else None)
                available.setdefault(key, entry["digest"])
            wanted = [p for p in (normalize_platform(p) for p in platforms) if p]
            chosen = [(p, available[p]) for p in dict.fromkeys(wanted) if p in available]
            if not chosen:
                has = ", ".join(available) or "no platforms"
                raise _Failure(
                    FailureKind.NO_PLATFORM,
                    f"no image for {', '.join(wanted)} (has {has})",
                )
            sizes = list(
                await asyncio.gather(*(self._platform_manifest(ref, p, d, None) for p, d in chosen))
            )
            available_platforms = tuple(available)
        elif "layers" in manifest:
            sizes = [await self._platform_manifest(ref, None, digest, manifest)]
            available_platforms = ()
        else:
            raise _Failure(FailureKind.UNSUPPORTED, f"unknown manifest type {media_type!r}")
        budget = deadline_at - loop.time() - 0.05
        final = await self._add_created(ref, sizes, budget)
        if not available_platforms:
            available_platforms = tuple(s.platform for s in final)
        return RegistryResult(
            ref=ref,
            ok=True,
            digest=digest,
            media_type=media_type if isinstance(media_type, str) else None,
            platforms=tuple(final),
            available_platforms=available_platforms,
        )

    async def ping(self, registry: str, *, timeout: float | None = None) -> PingResult:
        """`GET /v2/` on `registry` (as written in references: `docker.io`, `gcr.io`,
        `localhost:5000`). Never raises (except cancellation)."""
        budget = self.settings.timeout if timeout is None else timeout
        url = f"{self._base_url(registry)}/v2/"
        try:
            response = await asyncio.wait_for(self._send("GET", url, {}, 64 * 1024), budget)
        except _Failure as failure:
            return PingResult(registry, reachable=False, note=failure.note)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            return PingResult(registry, reachable=False, note="registry timed out")
        except httpx.HTTPError as error:
            return PingResult(
                registry, reachable=False, note=f"registry unreachable ({type(error).__name__})"
            )
        challenge = None
        if response.status == 401:
            challenge = parse_challenge(response.headers.get_list("www-authenticate"))
        ok = response.status == 200 or challenge is not None
        return PingResult(
            registry,
            reachable=ok,
            status=response.status,
            auth=challenge.scheme if challenge else None,
            realm=challenge.realm if challenge else None,
            note="" if ok else f"unexpected answer to /v2/ (HTTP {response.status})",
        )

    async def fetch(
        self,
        ref: ImageRef,
        platforms: Sequence[str] = DEFAULT_PLATFORMS,
        *,
        timeout: float | None = None,
        known: Callable[[str], bool] | None = None,
    ) -> RegistryResult:
        """Sizes of `ref` for `platforms`, within `timeout` seconds (settings default).

        With `known`, the tag is first resolved by HEAD (not counted as a pull on Docker Hub);
        if `known(digest)` is true the result has `reused_digest` and no platforms. Never
        raises (except cancellation).
        """
        budget = self.settings.timeout if timeout is None else timeout
        waiting = self.backoff_remaining(ref.registry)
        if waiting > 0:
            return RegistryResult(
                ref=ref,
                ok=False,
                failure=FailureKind.RATE_LIMITED,
                note=f"rate-limited by registry; retrying after {waiting:.0f} s",
                retry_after=waiting,
            )
        loop = asyncio.get_running_loop()
        deadline_at = loop.time() + budget
        try:
            return await asyncio.wait_for(self._lookup(ref, platforms, known, deadline_at), budget)
        except _Failure as failure:
            return RegistryResult(
                ref=ref,
                ok=False,
                failure=failure.kind,
                note=failure.note,
                retry_after=failure.retry_after,
            )
        except (asyncio.TimeoutError, httpx.TimeoutException):
            return RegistryResult(
                ref=ref, ok=False, failure=FailureKind.TIMEOUT, note="registry timed out"
            )
        except httpx.HTTPError as error:
            return RegistryResult(
                ref=ref,
                ok=False,
                failure=FailureKind.NETWORK,
                note=f"registry unreachable ({type(error).__name__})",
            )
        except Exception as error:  # never let a registry quirk reach an editor request
            log.debug("registry lookup of %s failed: %r", ref.display(), type(error).__name__)
            return RegistryResult(
                ref=ref,
                ok=False,
                failure=FailureKind.NETWORK,
                note=f"registry lookup failed ({type(error).__name__})",
            )
