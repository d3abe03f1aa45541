"""A cache for django-tables2's per-cell `signature()` (installed once, at start-up).

django-tables2 asks `inspect.signature()` of a column's accessor or `render_*` method for
every cell it renders, to pass only the arguments the callable takes. For a 25-row search
page that is several hundred signature computations per request: about half the page's CPU
time (bench/pages.py). A callable's signature does not change, so it is computed once per
function (bound and unbound apart) and kept in a weak mapping, which forgets the functions
that go away.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from django_tables2 import utils

_original: Callable[[Any], tuple] = utils.signature
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cached_signature(fn: Any) -> tuple:
    """`django_tables2.utils.signature(fn)`, computed once per underlying function."""
    func = getattr(fn, "__func__", fn)
    bound = hasattr(fn, "__func__")  # a bound method: `self` is not an argument
    try:
        per_function = _cache.setdefault(func, {})
    except TypeError:  # not weak-referenceable (a builtin, a partial): no cache
        return _original(fn)
    if bound not in per_function:
        per_function[bound] = _original(fn)
    return per_function[bound]


def install() -> None:
    """Replaces the module-level `signature` that `call_with_appropriate` looks up."""
    utils.signature = cached_signature
