"""create_app(settings) -> Litestar: wiring only; the rules live in the domain packages."""

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.types import ASGIApp, Receive, Scope, Send

from sen_server.accounts.controller import DirectoryController
from sen_server.admin.controller import OfficeAdminController, UserAdminController
from sen_server.audit.controller import AuditController
from sen_server.auth.controller import AuthController
from sen_server.events.bus import PostgresListener, asyncpg_dsn
from sen_server.events.controller import EventController
from sen_server.http.caller import read_session_guard
from sen_server.http.dependencies import DEPENDENCIES
from sen_server.http.errors import EXCEPTION_HANDLERS
from sen_server.http.headers import allow_header_middleware, security_headers_middleware
from sen_server.http.openapi import StrictModelSchemaPlugin, error_responses, openapi_config
from sen_server.http.request_guard import request_guard_middleware
from sen_server.intel.controller import (
    AgencyController,
    DisclosureController,
    LeadController,
    ProductController,
)
from sen_server.jobs.registry import JobRegistry
from sen_server.jobs.schedule import server_jobs
from sen_server.news.controller import NewsController, ReportCoverageController
from sen_server.queues.controller import QueueController
from sen_server.reports.controller import ReportController, ReportTypesController
from sen_server.retention.controller import LegalHoldController
from sen_server.routing.controller import FollowUpController, WorkflowRulesController
from sen_server.runtime import Clock, Runtime
from sen_server.settings import ServerSettings
from sen_server.stats.controller import StatsController
from sen_server.summaries.controller import DistributionListController, SummaryController

log = logging.getLogger("sen.server")


@get("/healthz", sync_to_thread=False, tags=["health"], responses=error_responses(422))
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def access_log_middleware(app: ASGIApp) -> ASGIApp:
    # Our own access log: method, path and status only. Query strings (search terms) and
    # bodies may hold personal data, so uvicorn's access log is turned off.
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def send_wrapper(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            # The route's template, not the raw path: a path segment is whatever the client
            # typed, and may be personal data.
            log.info(
                "%s %s %s %.1fms",
                scope.get("method", ""),
                scope.get("path_template") or "(unmatched)",
                status,
                (time.perf_counter() - started) * 1000,
            )

    return middleware


def create_app(
    settings: ServerSettings | None = None,
    *,
    clock: Clock | None = None,
    jobs: JobRegistry | None = None,
) -> Litestar:
    settings = settings or ServerSettings()
    runtime = Runtime.build(settings, clock)
    jobs = jobs if jobs is not None else server_jobs()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await jobs.start(runtime)
        listener = None
        if not settings.is_sqlite:
            # Events committed by other instances wake this instance's streams.
            listener = PostgresListener(asyncpg_dsn(settings.resolved_database_url), runtime.wakeup)
            await listener.start()
        try:
            yield
        finally:
            if listener:
                await listener.stop()
            await jobs.stop()
            await runtime.engine.dispose()

    return Litestar(
        route_handlers=[
            healthz,
            AuthController,
            ReportTypesController,
            ReportController,
            FollowUpController,
            QueueController,
            EventController,
            WorkflowRulesController,
            DirectoryController,
            AuditController,
            SummaryController,
            DistributionListController,
            NewsController,
            ReportCoverageController,
            LeadController,
            ProductController,
            DisclosureController,
            AgencyController,
            LegalHoldController,
            UserAdminController,
            OfficeAdminController,
            StatsController,
        ],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[
            access_log_middleware,
            read_session_guard,
            security_headers_middleware,
            allow_header_middleware,
            request_guard_middleware(settings.max_body_bytes),
        ],
        lifespan=[lifespan],
        state=State({"runtime": runtime}),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=openapi_config(),
        plugins=[StrictModelSchemaPlugin()],
        debug=False,
    )
