"""Per-connection setup of SQLite for the sandbox (receiver of `connection_created`)."""

from sandbox.casefold import casefold
from sandbox.router import SANDBOX_DB

# Memory-mapped reads: a query that visits many table pages (a count over a filtered list of
# 100,000 debtors) reads them from the shared OS cache without a system call per page.
MMAP_BYTES = 512 * 1024 * 1024


def on_connection_created(sender, connection, **kwargs) -> None:
    """Adds `sandbox_casefold()` to every SQLite connection; maps the sandbox's file."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function("sandbox_casefold", 1, casefold, deterministic=True)
    if connection.alias == SANDBOX_DB:
        connection.connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
