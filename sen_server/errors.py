"""Refusals a client should understand, raised by services and policies.

Nothing here knows about HTTP frameworks: ``sen_server.http.errors`` turns an ApiError
(and the framework's own exceptions) into the one JSON error shape. Nothing in an error
echoes a submitted value, since values may be personal data."""

from typing import Any

from sen_server.audit.writer import AuditEntry
from shared.schemas import ErrorBody, FieldError


class ApiError(Exception):
    """A refusal the client should understand. Optionally audited (denials, failures)."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
        audit: AuditEntry | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.reason = reason
        self.detail = detail
        self.errors = errors or []
        self.extra = extra
        self.audit = audit
        self.retry_after = retry_after  # seconds, sent as Retry-After (429, 503)

    def body(self) -> ErrorBody:
        return ErrorBody(
            status_code=self.status_code,
            reason=self.reason,
            detail=self.detail,
            errors=self.errors,
            extra=self.extra,
        )


def not_found(object_type: str = "report") -> ApiError:
    return ApiError(404, "not_found", f"No such {object_type}.")


def validation_failed(errors: list[FieldError], detail: str = "") -> ApiError:
    # Labels, as the form shows them ("Subjects 1 · A-number"), never the wire's paths.
    names = ", ".join(dict.fromkeys(e.label for e in errors[:10]))
    return ApiError(422, "validation_failed", detail or f"Please correct: {names}.", errors=errors)
