"""The SEN API as the terminal app uses it: one module per resource over one request helper
(``base.ApiBase._call``), composed into ``SenClient``. Every call returns ``shared`` schemas
and fails with one of the ``base`` exceptions."""

from sen_tui.api.admin import AccountsApi, AdminApi
from sen_tui.api.admin_lists import AdminListsApi
from sen_tui.api.audit import AuditApi, AuditFilters
from sen_tui.api.auth import AuthApi
from sen_tui.api.base import (
    ApiError,
    ClientError,
    InsecureServerUrl,
    ServerUnreachable,
    SessionEnded,
    check_server_url,
)
from sen_tui.api.directory import DirectoryApi
from sen_tui.api.events import EventsApi, StreamPosition
from sen_tui.api.holds import HoldsApi
from sen_tui.api.intel import IntelApi
from sen_tui.api.news import NewsApi, NewsFilters
from sen_tui.api.queues import QueuesApi
from sen_tui.api.reports import ReportsApi
from sen_tui.api.stats import StatsApi, StatsFilters
from sen_tui.api.summaries import SummariesApi


class SenClient(
    AuthApi,
    ReportsApi,
    QueuesApi,
    EventsApi,
    DirectoryApi,
    AuditApi,
    AdminApi,
    SummariesApi,
    NewsApi,
    IntelApi,
    HoldsApi,
    AccountsApi,
    StatsApi,
    AdminListsApi,
):
    """The one client of a signed-in app: every resource's calls over one connection pool
    and one token."""


__all__ = [
    "ApiError",
    "AuditFilters",
    "ClientError",
    "InsecureServerUrl",
    "NewsFilters",
    "SenClient",
    "ServerUnreachable",
    "SessionEnded",
    "StatsFilters",
    "StreamPosition",
    "check_server_url",
]
