"""The cache of django-tables2's `signature()`: same answers, computed once per function."""

import functools

from django_tables2 import utils

from backoffice import tables_signature_cache as cache


class Column:
    def render(self, value, record):
        return value

    def render_all(self, **kwargs):
        return kwargs


def plain(value, *args, table=None, **extra):
    return value


def test_installed_at_start_up():
    assert utils.signature is cache.cached_signature


def test_same_answers_as_django_tables2():
    column = Column()
    for fn in (column.render, Column.render, column.render_all, plain, lambda record: record,
               functools.partial(plain, 1), len):
        assert cache.cached_signature(fn) == cache._original(fn), fn
    assert cache.cached_signature(column.render) == (("value", "record"), None)
    assert cache.cached_signature(Column.render) == (("self", "value", "record"), None)


def test_computed_once_per_function_for_every_instance(monkeypatch):
    computed = []

    def counting(fn):
        computed.append(fn)
        return ((), None)

    monkeypatch.setattr(cache, "_original", counting)
    monkeypatch.setattr(cache, "_cache", type(cache._cache)())

    def render(value):
        return value

    for _ in range(3):
        cache.cached_signature(render)
        cache.cached_signature(Column().render)
    assert len(computed) == 2


def test_table_cells_still_get_only_their_arguments():
    assert utils.call_with_appropriate(Column().render, {"value": 1, "record": 2, "x": 3}) == 1
    assert utils.call_with_appropriate(Column().render_all, {"value": 1}) == {"value": 1}
    assert utils.call_with_appropriate(Column().render, {"value": 1}) is None
