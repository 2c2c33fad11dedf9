"""The one request helper of the terminal app: every call to the SEN API goes through
``ApiBase._call``, and fails with one of the exceptions below. The resource modules beside
this one (auth, reports, queues, events, directory, audit, admin) add typed calls on top and
are composed into ``SenClient``."""

import ipaddress
import ssl
from datetime import datetime
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from sen_tui.config import ClientSettings
from shared.schemas import ErrorBody, FieldError, ReportPublic

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
API: Final = "/api/v1"
# Idle connections are dropped after this, below the keep-alive of sen-server (30 s) and
# of the usual proxies (nginx 75 s, uvicorn and Apache 5 s), so the client never sends on
# a connection the server is closing at that very moment.
KEEPALIVE_SECONDS: Final = 4.0


def _certificate_problem(exc: BaseException) -> bool:
    """Whether a transport error comes from TLS certificate verification (httpx wraps the
    ssl module's error; the chain is followed, not the message)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


class ClientError(Exception):
    """Anything that stopped an API call; ``str()`` is written for the user."""


class InsecureServerUrl(ClientError, ValueError):
    """Plain http:// to a non-loopback server without being told to allow it."""


class ServerUnreachable(ClientError):
    """No answer: the server is down, the network dropped, or the call timed out."""


class ApiError(ClientError):
    """The server refused the call with its ErrorBody."""

    def __init__(self, body: ErrorBody) -> None:
        super().__init__(body.detail)
        self.body = body

    @property
    def status_code(self) -> int:
        return self.body.status_code

    @property
    def reason(self) -> str:
        return self.body.reason

    @property
    def detail(self) -> str:
        return self.body.detail

    @property
    def field_errors(self) -> list[FieldError]:
        return self.body.errors

    @property
    def current_report(self) -> ReportPublic | None:
        """On a 409 version conflict: the report as it is now on the server."""
        current = (self.body.extra or {}).get("current")
        return ReportPublic.model_validate(current) if current else None


class SessionEnded(ApiError):
    """401: the token expired, was revoked, or never was. Log in again."""


def check_server_url(url: str, *, allow_insecure_http: bool) -> None:
    """Refuse plain http:// to anything but loopback unless explicitly allowed (SPEC §10)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureServerUrl(f"{url!r} is not an http:// or https:// server address.")
    if parts.scheme == "https" or allow_insecure_http or _is_loopback(parts.hostname):
        return
    raise InsecureServerUrl(
        f"Refusing plain http:// to {parts.hostname}: tokens and reports would cross the "
        "network unencrypted. Use https://, or set SEN_ALLOW_INSECURE_HTTP=true for a closed "
        "test network."
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def error_from(response: httpx.Response) -> ApiError:
    try:
        body = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        # Not ours (a proxy's HTML page, say): say what happened without echoing it.
        body = ErrorBody(
            status_code=response.status_code,
            reason="http_error",
            detail=f"The server answered HTTP {response.status_code}.",
        )
    return SessionEnded(body) if response.status_code == 401 else ApiError(body)


def query(**values: Any) -> dict[str, str]:
    """Query parameters as the API reads them: None and False left out, times in ISO 8601."""
    out = {}
    for key, value in values.items():
        if value is None or value is False:
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        out[key] = "true" if value is True else str(value)
    return out


class ApiBase:
    """One ``httpx.AsyncClient`` and the session token; ``_call`` is the one request path."""

    def __init__(
        self, settings: ClientSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        check_server_url(settings.server_url, allow_insecure_http=settings.allow_insecure_http)
        self.settings = settings
        verify: ssl.SSLContext | bool = True
        if settings.ca_file is not None:
            verify = ssl.create_default_context(cafile=str(settings.ca_file))
        self._http = httpx.AsyncClient(
            base_url=settings.server_url.rstrip("/"),
            timeout=settings.request_timeout_seconds,
            verify=verify,
            transport=transport,
            headers={"User-Agent": "sen-tui"},
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_SECONDS),
        )
        self._token: str | None = None

    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, token: str | None) -> None:
        self._token = token
        if token:
            self._http.headers["Authorization"] = f"Bearer {token}"
        else:
            self._http.headers.pop("Authorization", None)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        try:
            try:
                response = await self._http.request(
                    method, API + path, json=json, params=params, headers=headers
                )
            except httpx.RemoteProtocolError:
                # A kept-alive connection that a proxy closed under us; the request never
                # reached the server. Only a read is safe to send twice.
                if method != "GET":
                    raise
                response = await self._http.request(
                    method, API + path, json=json, params=params, headers=headers
                )
        except httpx.TransportError as exc:
            raise ServerUnreachable(self._unreachable(exc)) from exc
        if not response.is_success:
            raise error_from(response)
        return response.json() if response.content else None

    def _unreachable(self, exc: Exception) -> str:
        server = self.settings.display_server
        if _certificate_problem(exc):
            return (
                f"The server at {server} presented a certificate this machine does not "
                "trust. If your agency uses its own certificate authority, start sen with "
                "--ca-file PATH (or set SEN_CA_FILE)."
            )
        what = "timed out" if isinstance(exc, httpx.TimeoutException) else "is unreachable"
        return f"The server at {server} {what}."

    async def _get(self, path: str, model: type[M], **params: Any) -> M:
        return model.model_validate(await self._call("GET", path, params=query(**params)))

    async def _get_as(self, path: str, shape: type[T], **params: Any) -> T:
        """A GET whose answer is not one model (a list, a mapping)."""
        data = await self._call("GET", path, params=query(**params))
        return TypeAdapter(shape).validate_python(data)

    async def _post(self, path: str, model: type[M], payload: Any = None) -> M:
        return model.model_validate(await self._call("POST", path, json=payload))
