"""The OpenAPI document, told truthfully (issue 10 item 9).

Litestar documents a handler's success answer and, for one with parameters, a 400 in its
own error shape; every other answer must be listed in the handler's ``responses``, which
Litestar 2 keeps per handler (no Controller or app default). Most of SEN's error answers
follow from a handler's shape, not its domain, so ``ApiController`` adds them to each of its
handlers from what the handler takes:

- every request: 422 (a NUL character in any query parameter, a parameter out of bounds);
- a body method (POST, PUT, PATCH, DELETE): 400 (not JSON in UTF-8, nested too deep) and
  415 (not ``application/json``), checked before any handler (``request_guard``); a handler
  that reads a body also answers 413 (over ``max_body_bytes``);
- a caller (the ``caller`` or ``unit`` dependency, or a guard): 401 (no or a bad token),
  429 (too many bad tokens from one address), 503 (the audit record could not be written,
  or no database connection came free in time), and 403 where the password-change and
  rules gates apply or a guard does.

What a domain adds (404 on a report's paths, 409 on versioned changes) is said by the
controller (``errors``) or by the handler (``responses=error_responses(...)``). Every error
answer has the one error body, ``shared.schemas.ErrorBody``.

Two things Litestar's generator does not say are said here too: a request model that
forbids unknown fields (``shared.schemas.Strict``) has ``additionalProperties: false``
(``StrictModelSchemaPlugin``), and signed-in operations name the bearer scheme.
"""

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from litestar import Controller, HttpMethod
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import (
    Components,
    Operation,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.typing import FieldDefinition
from litestar.utils import join_paths

from sen_server.http.caller import UNGATED_PATHS
from shared.schemas import ErrorBody

BEARER = "BearerToken"
SIGNED_IN: list[SecurityRequirement] = [{BEARER: []}]

# What each error answer means, for a person reading the document.
ERROR_MEANINGS = {
    400: "The body is not JSON in UTF-8, or is nested too deep.",
    401: "No bearer token was sent, or it is not (or no longer) valid; for a login, wrong "
    "credentials or a locked account.",
    403: "The caller may not do this: a role or rule refuses it, or a password change or "
    "rules acknowledgment is owed first (`reason` says which).",
    404: "No such object, or none the caller may see.",
    409: "The object changed since it was loaded (`version_conflict`, with the current "
    "version in `extra.current`), or its state does not allow this now.",
    413: "The body is larger than the server accepts.",
    415: "The body is not sent as `application/json`.",
    422: "A parameter or field is missing or invalid (one entry per field in `errors`).",
    429: "Too many tries from this address; `Retry-After` says when to try again.",
    503: "The audit record could not be written (`audit_unavailable`) or the server is too "
    "busy (`server_busy`), so nothing was shown or changed; `Retry-After` may say when to "
    "try again.",
}

BODY_METHODS = frozenset({HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE})
CALLER_DEPENDENCIES = frozenset({"caller", "unit"})


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """``responses=`` for a handler: each status with the one error body."""
    return {
        status: ResponseSpec(
            data_container=ErrorBody,
            description=ERROR_MEANINGS[status],
            generate_examples=False,
        )
        for status in sorted(statuses)
    }


# Domain errors, for ``responses=``: an operation on one object, and a change to one that
# may have moved on since it was loaded (or whose state refuses the change).
ONE_OBJECT = error_responses(404)
CHANGE_TO_ONE = error_responses(404, 409)


def implied_errors(handler: HTTPRouteHandler, controller_path: str, guarded: bool) -> set[int]:
    """The error answers a handler can give because of what it takes (module docstring)."""
    parameters = inspect.signature(handler.fn).parameters
    statuses = {422}
    if handler.http_methods & BODY_METHODS:
        statuses |= {400, 415}
    if "data" in parameters:
        statuses.add(413)
    if guarded or CALLER_DEPENDENCIES & parameters.keys():
        statuses |= {401, 429, 503}
        paths = {join_paths([controller_path, path]) for path in handler.paths}
        if guarded or not paths <= UNGATED_PATHS:
            statuses.add(403)
    return statuses


@dataclass
class OperationWithout400(Operation):
    """An operation that takes no body: Litestar documents a 400 for any handler with
    parameters (its ValidationException), but SEN answers a bad parameter with a 422."""

    def __post_init__(self) -> None:
        if self.responses:
            self.responses.pop("400", None)


class ApiController(Controller):
    """A Controller whose handlers document every error they can answer (module docstring).

    ``errors`` lists the domain errors every handler of the controller can give."""

    errors: ClassVar[Iterable[int]] = ()

    def get_route_handlers(self) -> list[BaseRouteHandler]:
        handlers = super().get_route_handlers()
        for handler in handlers:
            if not isinstance(handler, HTTPRouteHandler):
                continue
            guarded = bool(self.guards or handler.guards)
            statuses = implied_errors(handler, self.path, guarded) | set(self.errors)
            # The handler's own responses (a domain error, or its success answer described
            # another way) come last and win.
            responses = {**error_responses(*statuses), **(handler.responses or {})}
            handler.responses = dict(sorted(responses.items()))
            if 400 not in statuses:
                handler.operation_class = OperationWithout400
            if 401 in statuses and handler.security is None:
                handler.security = SIGNED_IN
        return handlers


class StrictModelSchemaPlugin(PydanticSchemaPlugin):
    """Litestar's schema for a pydantic model, plus ``additionalProperties: false`` where the
    model forbids unknown fields: without it, a client reading the document would expect
    extra fields to be ignored, while the server refuses them with a 422 naming them."""

    @classmethod
    def for_pydantic_model(cls, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = super().for_pydantic_model(field_definition, schema_creator)
        config: Mapping[str, Any] = getattr(field_definition.annotation, "model_config", {})
        if config.get("extra") == "forbid":
            schema.additional_properties = False
        return schema


API_DESCRIPTION = (
    "Significant Event Notification: typed event reports, routing, live queues and a "
    "tamper-evident audit. Every error answer is an ErrorBody naming each bad field in "
    "`errors`; no error repeats a submitted value. Bodies are JSON (`application/json`); "
    "text anywhere (bodies, query parameters) may not contain a NUL character (a 422 naming "
    "the field). A method a path does not have is a 405 whose `Allow` names those it has."
)


def openapi_config() -> OpenAPIConfig:
    # The schema as JSON only: the documentation pages would load scripts from outside the
    # machine (a CDN) into a page on the server's origin.
    return OpenAPIConfig(
        title="SEN",
        version="1",
        description=API_DESCRIPTION,
        path="/schema",
        render_plugins=[JsonRenderPlugin()],
        use_handler_docstrings=True,
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="The token from POST /api/v1/auth/login.",
                )
            }
        ),
    )
