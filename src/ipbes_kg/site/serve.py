"""``ipbes-kg site --serve``: the built folder on 127.0.0.1, with the IRIs' content negotiation.

The standard library's threaded HTTP server is enough for trying the site and for the browser
tests; it serves only on the loopback interface. IRI paths answer as ``negotiate`` says (303 to
the page, the ``.ttl`` or the ``.jsonld``), and the data files carry their RDF media types.
"""

import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ipbes_kg.site.negotiate import HTML_SUFFIX, MEDIA_TYPES, choose, iri_path
from ipbes_kg.site.project import UserError

HOST = "127.0.0.1"


class Handler(SimpleHTTPRequestHandler):
    """Static files, plus 303 See Other from each IRI path to its negotiated representation."""

    extensions_map = {  # noqa: RUF012 (the standard library declares it so)
        **SimpleHTTPRequestHandler.extensions_map,
        **MEDIA_TYPES,
    }
    quiet = True

    def _negotiated(self) -> str | None:
        path = unquote(urlsplit(self.path).path)
        local = iri_path(path)
        if local is None or not (Path(self.directory) / local / "index.html").is_file():
            return None
        target = "/" + local + choose(self.headers.get("Accept"))
        return None if target == path else target

    def _redirect(self, target: str) -> None:
        self.send_response(303)
        self.send_header("Location", target)
        self.send_header("Vary", "Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        target = self._negotiated()
        if target is not None:
            self._redirect(target)
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        target = self._negotiated()
        if target is not None:
            self._redirect(target)
            return
        super().do_HEAD()

    def end_headers(self) -> None:
        if urlsplit(self.path).path.endswith(HTML_SUFFIX) or self.path.endswith(".html"):
            self.send_header("Vary", "Accept")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class Server(ThreadingHTTPServer):
    """A threaded server that takes a client hanging up (a browser closing a tab) quietly."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def serve(folder: Path, port: int = 8000, quiet: bool = True) -> Server:
    """A server for ``folder`` on 127.0.0.1:``port`` (0: any free port), not yet running: call
    ``serve_forever()`` (or run it in a thread) and ``shutdown()``; ``server_address`` has the port."""
    if not (folder / "index.html").is_file():
        raise UserError(
            f"{folder}: not a built site (no index.html); run 'ipbes-kg site --out {folder}'"
        )
    handler = partial(type("SiteHandler", (Handler,), {"quiet": quiet}), directory=str(folder))
    try:
        return Server((HOST, port), handler)
    except OSError as exc:
        raise UserError(
            f"cannot serve on {HOST}:{port}: {exc.strerror or exc}; try --port 0"
        ) from exc


def serve_in_thread(folder: Path, port: int = 0) -> tuple[Server, threading.Thread]:
    """A running server in a daemon thread (for tests and notebooks); stop it with ``shutdown()``."""
    server = serve(folder, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
