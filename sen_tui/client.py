"""The one HTTP client of the terminal app: every call to the SEN API goes through here,
returns ``shared`` schemas, and fails with one of the exceptions below."""

import contextlib
import ipaddress
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

import httpx
from httpx_sse import SSEError, aconnect_sse
from pydantic import BaseModel, TypeAdapter, ValidationError

from sen_tui.config import ClientSettings
from shared.fields import Catalogue
from shared.schemas import (
    AmendRequest,
    DeliveryPublic,
    DispositionUpdate,
    ErrorBody,
    EventPublic,
    FieldError,
    LoginResponse,
    MePublic,
    OfficeRef,
    Page,
    QueueCount,
    QueueItem,
    QueuePage,
    ReportCreate,
    ReportPublic,
    ReportSummary,
    ReportUpdate,
    ReportVersionPublic,
    RulesPublic,
    SystemNotice,
    UserRef,
    VersionComparison,
)

M = TypeVar("M", bound=BaseModel)
API: Final = "/api/v1"
ALL_REPORTS: Final = "all"  # not a server queue: every report the user may read


@dataclass(frozen=True)
class StreamPosition:
    """A data-less message with an ``id:``: where in the event sequence the stream is."""

    id: int


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


def _error_from(response: httpx.Response) -> ApiError:
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


def _params(**values: Any) -> dict[str, str]:
    out = {}
    for key, value in values.items():
        if value is None or value is False:
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        out[key] = "true" if value is True else str(value)
    return out


class SenClient:
    """Async wrapper around one ``httpx.AsyncClient``; holds the session token."""

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
        )
        self._token: str | None = None
        self._queues_served: bool | None = None  # None: not asked yet

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

    # ---- plumbing -------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        try:
            response = await self._http.request(method, API + path, json=json, params=params)
        except httpx.TransportError as exc:
            raise ServerUnreachable(self._unreachable(exc)) from exc
        if not response.is_success:
            raise _error_from(response)
        return response.json() if response.content else None

    def _unreachable(self, exc: Exception) -> str:
        what = "timed out" if isinstance(exc, httpx.TimeoutException) else "is unreachable"
        return f"The server at {self.settings.display_server} {what}."

    async def _get(self, path: str, model: type[M], **params: Any) -> M:
        return model.model_validate(await self._call("GET", path, params=_params(**params)))

    async def _post(self, path: str, model: type[M], payload: Any = None) -> M:
        return model.model_validate(await self._call("POST", path, json=payload))

    async def healthy(self) -> bool:
        try:
            response = await self._http.get("/healthz", timeout=5)
        except httpx.TransportError:
            return False
        return response.status_code == 200

    # ---- auth -----------------------------------------------------------------------

    async def notice(self) -> SystemNotice:
        return await self._get("/auth/notice", SystemNotice)

    async def login(self, username: str, password: str) -> LoginResponse:
        payload = {"username": username, "password": password}
        login = await self._post("/auth/login", LoginResponse, payload)
        self.token = login.token
        return login

    async def logout(self) -> None:
        try:
            await self._call("POST", "/auth/logout")
        finally:
            self.token = None

    async def revoke(self, token: str) -> None:
        """End another session of ours (the one an unlock replaced); best effort."""
        with contextlib.suppress(httpx.TransportError):  # else it expires on the server
            await self._http.post(
                API + "/auth/logout", headers={"Authorization": f"Bearer {token}"}
            )

    async def rules(self) -> RulesPublic:
        return await self._get("/auth/rules", RulesPublic)

    async def acknowledge_rules(self, version: str) -> MePublic:
        return await self._post("/auth/rules-acknowledgment", MePublic, {"version": version})

    async def change_password(self, current: str, new: str) -> MePublic:
        payload = {"current_password": current, "new_password": new}
        return await self._post("/auth/password", MePublic, payload)

    async def me(self) -> MePublic:
        return await self._get("/me", MePublic)

    # ---- reports --------------------------------------------------------------------

    async def catalogue(self) -> Catalogue:
        return await self._get("/report-types", Catalogue)

    async def reports(self, *, offset: int = 0, limit: int = 50, **filters: Any) -> Page[Any]:
        data = await self._call(
            "GET", "/reports", params=_params(offset=offset, limit=limit, **filters)
        )
        return Page[ReportSummary].model_validate(data)

    async def search_reports(
        self,
        q: str = "",
        *,
        type: str | None = None,
        status: str | None = None,
        priority: str | None = None,
        since: datetime | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[ReportSummary]:
        """Reports the user may read whose title or narrative holds every word of ``q``,
        changed at or after ``since`` if given."""
        params = _params(
            q=q.strip() or None,
            type=type,
            status=status,
            priority=priority,
            since=since.astimezone(UTC) if since else None,
            offset=offset,
            limit=limit,
        )
        data = await self._call("GET", "/reports", params=params)
        return Page[ReportSummary].model_validate(data)

    async def report(self, report_id: str) -> ReportPublic:
        return await self._get(f"/reports/{report_id}", ReportPublic)

    async def create_report(self, data: ReportCreate) -> ReportPublic:
        payload = data.model_dump(mode="json", exclude_unset=True)
        return await self._post("/reports", ReportPublic, payload)

    async def update_report(self, report_id: str, data: ReportUpdate) -> ReportPublic:
        payload = data.model_dump(mode="json", exclude_unset=True)
        result = await self._call("PATCH", f"/reports/{report_id}", json=payload)
        return ReportPublic.model_validate(result)

    async def delete_report(self, report_id: str, base_version: int) -> None:
        await self._call(
            "DELETE", f"/reports/{report_id}", params=_params(base_version=base_version)
        )

    async def submit(self, report_id: str, base_version: int, *, review: bool) -> ReportPublic:
        action = "request-review" if review else "submit"
        payload = {"base_version": base_version}
        return await self._post(f"/reports/{report_id}/{action}", ReportPublic, payload)

    async def decide_review(
        self, report_id: str, base_version: int, *, approve: bool, comment: str | None
    ) -> ReportPublic:
        action = "approve" if approve else "return"
        payload = {"base_version": base_version, "comment": comment}
        return await self._post(f"/reports/{report_id}/{action}", ReportPublic, payload)

    async def amend(self, report_id: str, data: AmendRequest) -> ReportPublic:
        payload = data.model_dump(mode="json", exclude_unset=True)
        return await self._post(f"/reports/{report_id}/amend", ReportPublic, payload)

    async def close_report(self, report_id: str, base_version: int) -> ReportPublic:
        payload = {"base_version": base_version}
        return await self._post(f"/reports/{report_id}/close", ReportPublic, payload)

    async def set_disposition(self, report_id: str, data: DispositionUpdate) -> ReportPublic:
        payload = data.model_dump(mode="json", exclude_none=True)
        return await self._post(f"/reports/{report_id}/disposition", ReportPublic, payload)

    async def versions(self, report_id: str) -> list[ReportVersionPublic]:
        data = await self._call("GET", f"/reports/{report_id}/versions")
        return TypeAdapter(list[ReportVersionPublic]).validate_python(data)

    async def compare(self, report_id: str, from_version: int, to_version: int) -> Any:
        params = _params(from_version=from_version, to_version=to_version)
        data = await self._call("GET", f"/reports/{report_id}/compare", params=params)
        return VersionComparison.model_validate(data)

    async def acknowledge(self, report_id: str) -> DeliveryPublic:
        return await self._post(f"/reports/{report_id}/acknowledge", DeliveryPublic)

    async def routing(self, report_id: str) -> list[DeliveryPublic]:
        data = await self._call("GET", f"/reports/{report_id}/routing")
        return TypeAdapter(list[DeliveryPublic]).validate_python(data)

    async def users(self, query: str) -> list[UserRef]:
        data = await self._call("GET", "/users", params=_params(q=query))
        return TypeAdapter(list[UserRef]).validate_python(data)

    async def offices(self) -> list[OfficeRef]:
        data = await self._call("GET", "/offices")
        return TypeAdapter(list[OfficeRef]).validate_python(data)

    # ---- queues ---------------------------------------------------------------------

    async def queue(
        self, name: str, *, offset: int = 0, limit: int = 50, **filters: Any
    ) -> QueuePage:
        """One page of a queue, newest first.

        ALL_REPORTS, and every queue while the server has no /queues (it answers 404), is
        read from /reports: the same rows, without delivery states or unread counts.
        """
        if name != ALL_REPORTS and self._queues_served is not False:
            try:
                params = _params(offset=offset, limit=limit, **filters)
                data = await self._call("GET", f"/queues/{name}", params=params)
            except ApiError as exc:
                if exc.status_code != 404:
                    raise
                self._queues_served = False
            else:
                self._queues_served = True
                return QueuePage.model_validate(data)
        page = await self.reports(offset=offset, limit=limit, **_fallback_filters(name), **filters)
        return QueuePage(
            queue=name,
            items=[QueueItem.model_validate(item.model_dump()) for item in page.items],
            total=page.total or 0,
            unread=0,
            next_offset=page.next_offset,
            limit=page.limit,
        )

    @property
    def queues_served(self) -> bool:
        """Whether the server has real queues (delivery states, unread counts)."""
        return bool(self._queues_served)

    async def queue_counts(self) -> dict[str, QueueCount]:
        """Totals and unread counts per queue; empty while the server has no queues."""
        if self._queues_served is False:
            return {}
        try:
            data = await self._call("GET", "/queues/counts")
        except ApiError as exc:
            if exc.status_code == 404:
                return {}
            raise
        return TypeAdapter(dict[str, QueueCount]).validate_python(data)

    # ---- live events ----------------------------------------------------------------

    @asynccontextmanager
    async def events(
        self, last_event_id: int | None
    ) -> AsyncIterator[AsyncIterator[EventPublic | StreamPosition]]:
        """The live event stream; replays what came after ``last_event_id`` first."""
        headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
        timeout = httpx.Timeout(
            self.settings.request_timeout_seconds, read=self.settings.event_read_timeout_seconds
        )
        try:
            async with aconnect_sse(
                self._http, "GET", API + "/events", headers=headers, timeout=timeout
            ) as source:
                if not source.response.is_success:
                    await source.response.aread()
                    raise _error_from(source.response)
                yield self._decode(source.aiter_sse())
        except (httpx.TransportError, SSEError) as exc:
            raise ServerUnreachable(self._unreachable(exc)) from exc

    async def _decode(
        self, stream: AsyncIterator[Any]
    ) -> AsyncIterator[EventPublic | StreamPosition]:
        try:
            async for sse in stream:
                if not sse.data:
                    if sse.id.isdigit():
                        yield StreamPosition(int(sse.id))
                    continue
                try:
                    yield EventPublic.model_validate_json(sse.data)
                except ValidationError:
                    continue  # a kind this client does not know yet: not fatal
        except (httpx.TransportError, SSEError) as exc:
            raise ServerUnreachable(self._unreachable(exc)) from exc


def _fallback_filters(queue: str) -> dict[str, Any]:
    """/reports filters that approximate each queue (see SenClient.queue)."""
    filters: dict[str, dict[str, Any]] = {
        "review": {"status": "in_review"},
        "iroc": {"status": "submitted", "since": datetime.now(UTC) - timedelta(hours=72)},
        "intel": {"type": "ERO_LEAD", "status": "submitted"},
        "drafts": {"mine": True, "status": "draft"},
        "reports": {"mine": True},
    }
    return filters.get(queue, {})
