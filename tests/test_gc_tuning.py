"""backoffice/gc_tuning.py: what wsgi.py does to the collector once the app is loaded."""

import gc

import pytest

from backoffice import gc_tuning


@pytest.fixture
def collector_as_it_was():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_settle_freezes_the_loaded_objects_and_raises_the_thresholds(collector_as_it_was):
    loaded = type("Loaded", (), {})()  # a tracked object, alive when the app has loaded
    gc_tuning.settle()
    assert gc.get_threshold() == (gc_tuning.YOUNG_THRESHOLD, gc_tuning.MIDDLE_EVERY,
                                  gc_tuning.OLD_EVERY)
    assert gc.get_freeze_count() > 0
    assert not any(o is loaded for o in gc.get_objects())  # frozen: the collector skips it
    assert loaded is not None
