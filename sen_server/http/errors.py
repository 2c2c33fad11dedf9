"""One error shape for every failure (shared.schemas.ErrorBody): the handlers that map
ApiError and the framework's exceptions onto it. A client's mistake is always a 4xx naming
the field; nothing in an error echoes a submitted value, since values may be personal data."""

import logging
import re
import traceback
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import TimeoutError as PoolTimeout

from sen_server.errors import ApiError, validation_failed
from shared.schemas import ErrorBody, FieldError
from shared.validation import safe_key

log = logging.getLogger("sen.server")

REASONS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "version_conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


def _json(body: ErrorBody, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(
        content=body.model_dump(mode="json"),
        status_code=body.status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def handle_api_error(_: Request[Any, Any, Any], exc: ApiError) -> Response[Any]:
    retry = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return _json(exc.body(), retry)


# Litestar's own message for a missing query/path/header parameter; its detail goes on to
# quote the whole URL, query string included, so only the parameter's name is kept.
_MISSING_PARAMETER = re.compile(r"^Missing required \w+ parameter '([^']*)'")
NOT_JSON = "The request body is not valid JSON."


def handle_validation(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    # Litestar's own request parsing: non-JSON bodies, schema violations, bad query params.
    errors: list[FieldError] = []
    if isinstance(exc.extra, list):
        for item in exc.extra:
            if isinstance(item, dict):
                errors.append(
                    FieldError(
                        field=_field_name(item.get("key") or item.get("source")),
                        message=_value_free(item.get("message")),
                    )
                )
    missing = _MISSING_PARAMETER.match(str(exc.detail))
    if not errors and missing:
        errors = [FieldError(field=safe_key(missing.group(1)), message="is required")]
    detail = NOT_JSON if not errors else ""
    if not errors:
        errors = [FieldError(field="body", message="must be a JSON object")]
    return _json(validation_failed(errors, detail).body())


def _field_name(key: Any) -> str:
    # "data" is Litestar's name for the request body itself (e.g. none was sent). Other keys
    # may be a client's unknown field, i.e. any text: only name-like parts are repeated.
    text = str(key or "body")
    if text == "data":
        return "body"
    return ".".join(safe_key(part) for part in text.split("."))


# msgspec quotes the offending input in some messages (query and path parameters).
_ECHOING = {
    "Invalid enum value": "is not an allowed value",
    "Object contains unknown field": "unknown field",
}


def _value_free(message: Any) -> str:
    # msgspec/pydantic messages may quote the offending input; keep only the part before it.
    text = str(message or "invalid value")
    for prefix, replacement in _ECHOING.items():
        if text.startswith(prefix):
            return replacement
    for marker in (" - at ", ", got ", "input_value"):
        text = text.split(marker)[0]
    text = text.removeprefix("Value error, ")  # pydantic's prefix for a validator's message
    if text.startswith("'") and text.endswith("'"):  # a bare KeyError: the body is missing
        return "is required"
    return text[:200]


def handle_http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    reason = REASONS.get(status, "error")
    detail = str(exc.detail)
    errors: list[FieldError] = []
    if status == 413:
        detail = "The request body is larger than 1 MiB."
        errors = [FieldError(field="body", message="must be at most 1 MiB")]
    elif isinstance(exc.__cause__, SerializationException):
        # The body could not be decoded; msgspec's message is about bytes, not fields.
        detail = NOT_JSON
        errors = [FieldError(field="body", message="must be valid JSON")]
    # The framework's own headers stay: a 405 names the methods the path allows (Allow).
    body = ErrorBody(status_code=status, reason=reason, detail=detail, errors=errors)
    return _json(body, dict(exc.headers) if exc.headers else None)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # Log the type, where, and the code path; never the message or locals, which may
    # carry values from the request.
    frames = "".join(traceback.format_tb(exc.__traceback__)[-8:])
    log.error(
        "unhandled %s in %s %s\n%s",
        type(exc).__name__,
        request.method,
        request.url.path,
        frames,
    )
    return _json(
        ErrorBody(
            status_code=HTTP_500_INTERNAL_SERVER_ERROR,
            reason="internal_error",
            detail="The server could not complete the request.",
        )
    )


def handle_pool_timeout(request: Request[Any, Any, Any], _: PoolTimeout) -> Response[Any]:
    # Every pooled database connection stayed busy for db_pool_wait_seconds: the server is
    # overloaded, which is no fault of the request.
    log.warning("no database connection came free for %s %s", request.method, request.url.path)
    return handle_api_error(
        request,
        ApiError(
            503,
            "server_busy",
            "The server is too busy to answer now; nothing was shown or changed. Try again "
            "in a moment.",
            retry_after=5,
        ),
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    PoolTimeout: handle_pool_timeout,
    ApiError: handle_api_error,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
