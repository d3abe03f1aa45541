"""backoffice.slots: a page drawn first, its parts filled into marks that nothing can forge."""

import pytest
from django.template import Context, Template

from backoffice.slots import Slots


def test_each_mark_is_replaced_by_its_part_and_a_missing_part_leaves_nothing():
    slots = Slots("results", "banner")
    page = Template("<p>{{ slots.banner }}</p><main>{{ slots.results }}</main>").render(
        Context({"slots": slots.marks}))
    assert slots.fill(page, results="<table></table>") == "<p></p><main><table></table></main>"


def test_typed_text_that_copies_a_mark_is_escaped_and_stays_text():
    slots = Slots("results")
    typed = "".join([slots.marks["results"]])  # as text, from someone who knew the token
    page = Template("<h1>{{ typed }}</h1>{{ slots.results }}").render(
        Context({"typed": typed, "slots": slots.marks}))
    filled = slots.fill(page, results="<table></table>")
    assert filled == "<h1>&lt;!--slot:" + typed[len("<!--slot:"):-3] + "--&gt;</h1><table></table>"


def test_marks_differ_from_one_page_to_the_next_and_an_unknown_part_is_an_error():
    assert Slots("results").marks["results"] != Slots("results").marks["results"]
    with pytest.raises(KeyError):
        Slots("results").fill("", banner="x")
