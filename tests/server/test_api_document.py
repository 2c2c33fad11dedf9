"""The OpenAPI document says what the server does (issue 10 item 9). Schemathesis proves it
against a live server (tests/e2e/test_api_contract.py); these are the findings it started
from, each checked directly and quickly."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.settings import ServerSettings

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
async def app_client(sqlite_settings: ServerSettings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(sqlite_settings)) as client:
        yield client


@pytest.fixture
async def document(app_client: AsyncTestClient[Any]) -> dict[str, Any]:
    response = await app_client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


async def test_every_signed_in_operation_documents_its_refusals(document: dict[str, Any]) -> None:
    """Every operation that takes a token says so, and documents 401, 422, 429 and 503 with
    the one error body; the 27 operations that answered undocumented statuses now list them."""
    problems = []
    for name, operation in operations(document).items():
        responses = operation["responses"]
        errors = {int(s) for s in responses if int(s) >= 400}
        for status in errors:
            schema = responses[str(status)]["content"]["application/json"]["schema"]
            if schema != ERROR_BODY:
                problems.append(f"{name} {status}: {schema}")
        if "422" not in responses:
            problems.append(f"{name}: no 422")
        if operation.get("security") and not {401, 429, 503} <= errors:
            problems.append(f"{name}: signed in, documents only {sorted(errors)}")
    assert not problems, "\n".join(problems)
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    signed_in = [n for n, o in operations(document).items() if o.get("security")]
    assert len(signed_in) == len(operations(document)) - 3  # all but health, notice, login


async def test_domain_refusals_are_documented(document: dict[str, Any]) -> None:
    ops = operations(document)
    assert {"404", "409"} <= ops["POST /api/v1/reports/{report_id}/submit"]["responses"].keys()
    assert {"404", "409"} <= ops["PATCH /api/v1/reports/{report_id}"]["responses"].keys()
    assert "404" in ops["GET /api/v1/reports/{report_id}/compare"]["responses"]
    assert "404" in ops["GET /api/v1/queues/{queue}"]["responses"]
    assert "403" in ops["GET /api/v1/audit"]["responses"]
    assert {"400", "415", "413"} <= ops["POST /api/v1/reports"]["responses"].keys()
    # A read has no body to be malformed: its bad parameters are 422s, not Litestar's 400.
    assert "400" not in ops["GET /api/v1/reports"]["responses"]
    # The password and rules gates do not apply to /me.
    assert "403" not in ops["GET /api/v1/me"]["responses"]


async def test_request_bodies_that_refuse_unknown_fields_say_so(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("ReportCreate", "ReportUpdate", "BaseRevision", "LoginRequest", "Recipients"):
        assert schemas[name]["additionalProperties"] is False, name
    # Answers are not Strict: they may grow fields.
    assert "additionalProperties" not in schemas["ReportPublic"]


async def test_the_event_stream_is_documented_as_one(document: dict[str, Any]) -> None:
    stream = operations(document)["GET /api/v1/events"]
    content = stream["responses"]["200"]["content"]
    assert list(content) == ["text/event-stream"]
    parameter = next(p for p in stream["parameters"] if p["name"] == "last_event_id")
    assert parameter["schema"]["minimum"] == 0


async def test_405_and_options_name_every_method_of_the_path(
    app_client: AsyncTestClient[Any],
) -> None:
    """A 405 carried no Allow header, and OPTIONS named only the methods of the first
    handler registered at a path (litestar#4169): ``OPTIONS /api/v1/reports`` said
    ``OPTIONS, POST``."""
    for path, methods in (
        ("/api/v1/reports", {"GET", "POST", "OPTIONS"}),
        ("/api/v1/reports/SIR-2026-000001", {"GET", "PATCH", "DELETE", "OPTIONS"}),
        ("/healthz", {"GET", "OPTIONS"}),
    ):
        refused = await app_client.request("TRACE", path)
        assert refused.status_code == 405
        assert refused.json()["reason"] == "method_not_allowed"
        assert set(refused.headers["allow"].split(", ")) == methods, path
        options = await app_client.options(path)
        assert options.status_code == 204
        assert set(options.headers["allow"].split(", ")) == methods, path
