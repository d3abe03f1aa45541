"""The cyclic garbage collector, tuned for a serving process.

A page allocates tens of thousands of objects (template nodes, contexts, rows), almost all
freed by reference counting at the end of the request. With CPython's default threshold a
young collection runs every 700 net allocations and, every tenth, a middle one that walks
everything a request still holds: about 2 ms, several times a page. The full collections walk
the whole heap, Django's modules, URL patterns and templates included: 50-70 ms, which is what
an unlucky request waited on.

`settle()` runs once the app is loaded: it moves everything alive by then into the permanent
generation (`gc.freeze()`: never walked again, and in a forked worker its pages stay shared)
and raises the young threshold, so a young collection comes once in a few dozen pages instead
of several times a page. Cycles are still collected; they only wait a little longer.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000  # net allocations between young collections (CPython: 700)
MIDDLE_EVERY, OLD_EVERY = 20, 10  # young runs per middle one, middle runs per full one


def settle() -> None:
    """Freezes the loaded app's objects out of the collector's way; raises the thresholds."""
    gc.collect()  # the import garbage goes first, it is not worth keeping frozen
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_EVERY, OLD_EVERY)
