"""Security headers on every answer (issue 10 item 8).

Answers carry report content and personal data: no cache may keep them (``no-store``), no
browser may guess a JSON answer is something it can run (``nosniff``), and a client that
reached the server over TLS is told to keep using it (HSTS, only when serving TLS: sent over
plain HTTP it would mean nothing and may be forged).
"""

from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send

ALWAYS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
HSTS = "max-age=31536000"


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in ALWAYS.items():
                    headers[name] = value
                if tls:
                    headers["strict-transport-security"] = HSTS
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware


def allow_header_middleware(app: ASGIApp) -> ASGIApp:
    """An answer to OPTIONS names every method of the path in ``Allow``.

    Litestar 2 answers OPTIONS with the methods of whichever handler was registered at a path
    first (litestar#4169, fixed only in 3.0): ``OPTIONS /api/v1/reports`` said
    ``OPTIONS, POST``, without GET. The app's routes know all of their methods.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "OPTIONS":
            await app(scope, receive, send)
            return
        template = scope.get("path_template", "")
        methods = {
            method
            for route in scope["litestar_app"].routes
            if isinstance(route, HTTPRoute) and route.path_format == template
            for method in route.methods
        }

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and methods:
                headers = MutableScopeHeaders.from_message(message)
                if "allow" in headers:
                    headers["allow"] = ", ".join(sorted(methods))
            await send(message)

        await app(scope, receive, send_with_allow)

    return middleware
