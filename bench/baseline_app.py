"""The ENGINEERING.md HTTP baseline: a bare Litestar app with one JSON endpoint.

Run as ``uvicorn bench.baseline_app:app --workers 1 --no-access-log``. It has no
middleware, no dependencies and no database, so it is the ceiling that SEN's own endpoints
are compared against on the same machine, in the same run.
"""

from litestar import Litestar, get


@get("/healthz", sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[healthz], openapi_config=None, debug=False)
