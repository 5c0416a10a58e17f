"""A real HTTP server on loopback that serves feeds and misbehaves on request.

Runs in a thread so that async code under test talks to it over real sockets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answer 304 when If-None-Match matches
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between bytes (a slow-loris source)
    redirect_to: str | None = None
    handler: Callable[[BaseHTTPRequestHandler, bytes], tuple[int, dict[str, str], bytes]] | None = None


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path
                server.hits.append(Hit(self.command, path, {k.lower(): v for k, v in self.headers.items()}, body))
                route = server.routes.get(path) or server.routes.get(path.split("?", 1)[0])
                if route is None:
                    self._send(404, {}, b"not found")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.handler is not None:
                    status, headers, payload = route.handler(self, body)
                    self._send(status, headers, payload)
                    return
                if route.redirect_to is not None:
                    self._send(302, {"Location": route.redirect_to}, b"")
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, {"ETag": route.etag}, b"")
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.trickle:
                    self.send_response(route.status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    try:
                        for b in route.body:
                            self.wfile.write(bytes([b]))
                            self.wfile.flush()
                            time.sleep(route.trickle)
                    except OSError:
                        pass
                    return
                self._send(route.status, headers, route.body)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            do_GET = _serve
            do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]  # clients that hang up
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
