"""What a request must be before any handler sees it (issue 10 item 9).

A body is JSON or nothing: another media type is a 415 (``text/plain`` used to be read as
JSON), bytes that are not UTF-8 or JSON nested deeper than any SEN document are a 400, and a
NUL character in any text (a body's strings and keys, a query parameter) is a 422 naming the
field: PostgreSQL cannot store one, and no form has a use for one. Answers use the one error
shape of ``sen_server.http.errors``; nothing in them repeats what was sent.
"""

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send
from litestar.types.asgi_types import (
    HTTPRequestEvent,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
)

from sen_server.errors import ApiError, validation_failed
from shared.schemas import FieldError
from shared.validation import safe_key

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# SEN's deepest document (a report body: subjects → addresses → fields) is five levels.
MAX_DEPTH = 32
JSON_TYPES = ("application/json",)


def check_query(query_string: bytes) -> None:
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if "\x00" in value or "\x00" in name:
            raise _nul(safe_key(name) or "query")


def check_body(method: str, content_type: str, body: bytes) -> None:
    if method not in BODY_METHODS or not body:
        return
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in JSON_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the request body as JSON (Content-Type: application/json).",
            errors=[FieldError(field="Content-Type", message="must be application/json")],
        )
    try:
        text = body.decode("utf-8")
        document = msgspec.json.decode(text)
    except (UnicodeDecodeError, msgspec.DecodeError, RecursionError):
        raise ApiError(
            400,
            "bad_request",
            "The request body is not valid JSON in UTF-8.",
            errors=[FieldError(field="body", message="must be valid JSON in UTF-8")],
        ) from None
    for path, problem in _problems(document, [], 0):
        if problem == "depth":
            raise ApiError(
                400,
                "bad_request",
                f"The request body is nested more than {MAX_DEPTH} levels deep.",
                errors=[FieldError(field="body", message=f"nests at most {MAX_DEPTH} levels")],
            )
        raise _nul(".".join(path) or "body")


def _problems(value: Any, path: list[str], depth: int) -> Iterator[tuple[list[str], str]]:
    if depth > MAX_DEPTH:
        yield path, "depth"
        return
    if isinstance(value, str):
        if "\x00" in value:
            yield path, "nul"
    elif isinstance(value, dict):
        for key, item in value.items():
            step = [*path, safe_key(str(key)) or "?"]
            if "\x00" in str(key):
                yield step, "nul"
            yield from _problems(item, step, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, [*path, str(index)], depth + 1)


def _nul(field: str) -> ApiError:
    return validation_failed(
        [FieldError(field=field, message="must not contain a NUL character")],
        "Text may not contain NUL characters.",
    )


def too_large(max_body_bytes: int) -> ApiError:
    limit = f"{max_body_bytes / 1024 / 1024:g} MiB"
    return ApiError(
        413,
        "body_too_large",
        f"The request body is larger than {limit}.",
        errors=[FieldError(field="body", message=f"must be at most {limit}")],
    )


def error_json(error: ApiError) -> bytes:
    return json.dumps(error.body().model_dump(mode="json")).encode()


def request_guard_middleware(max_body_bytes: int) -> Any:
    """The checks above as ASGI middleware: the body is read once here and handed on
    unchanged. One that declares a length over the limit is left for the framework's 413;
    one sent in chunks gets a 413 here as soon as it passes the limit."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers = dict(scope["headers"])
            declared = headers.get(b"content-length", b"0")
            if not declared.isdigit() or int(declared) > max_body_bytes:
                await app(scope, receive, send)
                return
            # A body sent in chunks declares no length: count what arrives, and stop reading
            # past the limit (it was read to the end, 200 MB and more, before the 4xx).
            chunks, more, received = [], True, 0
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                received += len(chunks[-1])
                if received > max_body_bytes:
                    await _answer(send, too_large(max_body_bytes))
                    return
                more = message.get("more_body", False)
            body = b"".join(chunks)
            try:
                check_query(scope.get("query_string", b""))
                method = str(scope.get("method", ""))
                check_body(method, headers.get(b"content-type", b"").decode("latin-1"), body)
            except ApiError as error:
                await _answer(send, error)
                return
            replayed = False

            async def replay() -> ReceiveMessage:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    first: HTTPRequestEvent = {
                        "type": "http.request",
                        "body": body,
                        "more_body": False,
                    }
                    return first
                return await receive()

            await app(scope, replay, send)

        return middleware

    return wrap


async def _answer(send: Send, error: ApiError) -> None:
    payload = error_json(error)
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": error.status_code,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ],
    }
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": payload, "more_body": False}
    await send(end)
