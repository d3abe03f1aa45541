"""`manage.py sandbox_serve --port 8001`: the sandbox alone, threaded, until stopped.

Serves only the sandbox's routes (under /sandbox/), with no back-office middleware, on
Django's threaded WSGI server without autoreload. SIGTERM and SIGINT end it cleanly.
"""

import signal
import sys
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections

from sandbox.router import SANDBOX_DB


class _Stop(Exception):
    pass


class _RequestHandler(WSGIRequestHandler):
    # Headers and body leave in separate writes; with Nagle's algorithm on, each answer on a
    # kept-alive connection would wait ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signum)


class Command(BaseCommand):
    help = "Serves the Aptic sandbox on its own (threaded, no autoreload) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--migrate", action="store_true", help="Migrate the sandbox database first."
        )

    def handle(self, *args, host: str, port: int, migrate: bool, **options) -> None:
        if migrate:
            call_command("migrate", database=SANDBOX_DB, verbosity=0)
        # Only the sandbox: its own URLconf and no session, login or CSRF middleware.
        settings.ROOT_URLCONF = "sandbox.serve_urls"
        settings.MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
        settings.APPEND_SLASH = False
        # Each kept-alive client connection has a thread of its own: let it keep its database
        # connection (and SQLite's page cache) from one request to the next.
        connections.settings[SANDBOX_DB]["CONN_MAX_AGE"] = 600
        application = get_wsgi_application()

        server = ThreadedWSGIServer((host, port), _RequestHandler, ipv6=":" in host)
        server.set_app(application)
        previous = {
            sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(f"Sandbox serving http://{host}:{port}/sandbox/api/v1 "
                          "(Ctrl-C or SIGTERM to stop)")
        sys.stdout.flush()
        try:
            server.serve_forever()
        except _Stop:
            pass
        finally:
            server.server_close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Sandbox stopped.")
