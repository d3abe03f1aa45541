"""`manage.py sandbox_serve --port 8001 [--processes N]`: the sandbox alone, until stopped.

Serves only the sandbox's routes (under /sandbox/), with no back-office middleware, on
Django's threaded WSGI server without autoreload. SIGTERM and SIGINT end it cleanly.

One process by default. With `--processes N` the listening socket is opened first and N
forked processes serve it, each with its threads: one Python process answers calls that arrive
together one after the other (one interpreter lock), N of them in parallel on N cores. What
they must agree on is outside their memory: the data and the faults in the sandbox database,
the call counters in a file of their own (sandbox/stats.py), and tokens are signed, not stored.
"""

import io
import os
import signal
import sys
import traceback
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections

from sandbox import stats
from sandbox.router import SANDBOX_DB


class _Stop(Exception):
    pass


class _RequestHandler(WSGIRequestHandler):
    # wsgiref writes the status line, its two default headers, the headers and the body one
    # by one. Buffered, they leave in one send at the first flush (after the body) instead
    # of four or five, each a system call and a wake-up of the client: about a third of the
    # server's CPU for a small answer.
    wbufsize = io.DEFAULT_BUFFER_SIZE
    # An answer larger than the buffer still leaves in two writes; with Nagle's algorithm on,
    # the second would wait ~40 ms for the client's delayed ACK on a kept-alive connection.
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
        parser.add_argument(
            "--processes", type=int, default=1,
            help="Processes serving the one port (1: this one; more: forked workers).",
        )

    def handle(self, *args, host: str, port: int, migrate: bool, processes: int,
               **options) -> None:
        if processes < 1:
            raise CommandError("--processes must be at least 1.")
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
        stats.stats_open()  # before any fork: every process counts into the same file
        previous = {
            sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        workers = f" in {processes} processes" if processes > 1 else ""
        self.stdout.write(f"Sandbox serving http://{host}:{port}/sandbox/api/v1{workers} "
                          "(Ctrl-C or SIGTERM to stop)")
        sys.stdout.flush()
        try:
            if processes == 1:
                server.serve_forever()
            else:
                _serve_forked(server, processes)
        except _Stop:
            pass
        finally:
            server.server_close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Sandbox stopped.")


def _serve_forked(server: ThreadedWSGIServer, processes: int) -> None:
    """Forks `processes` workers that serve `server`'s socket; returns when one ends and
    raises _Stop on SIGTERM/SIGINT, the workers stopped either way."""
    connections.close_all()  # no database connection may be shared across a fork
    children: list[int] = []
    try:
        for _ in range(processes):
            pid = os.fork()
            if pid == 0:
                _serve_child(server)
            children.append(pid)
        pid, status = os.wait()  # a worker ended by itself: stop the others too
        children.remove(pid)
        raise CommandError(f"A sandbox worker ended ({os.waitstatus_to_exitcode(status)}).")
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _serve_child(server: ThreadedWSGIServer) -> None:
    """A worker's whole life: serves until SIGTERM, then leaves without the parent's exit
    handlers (the stats file is the parent's to remove)."""
    code = 0
    try:
        server.serve_forever()
    except _Stop:
        pass
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)
