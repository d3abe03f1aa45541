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


def test_a_text_slot_takes_the_escaped_text_wherever_it_was_drawn():
    slots = Slots("results", texts=["debtor_name"])
    word = slots.texts["debtor_name"]
    page = Template('<input value="{{ name }}"><p>{{ name }}</p>{{ slots.results }}').render(
        Context({"name": word, "slots": slots.marks}))
    assert page.count(word) == 2  # a plain word: drawn as it is, even escaped
    filled = slots.fill(page, debtor_name="O'Brien & <Co>", results="<table></table>")
    assert filled == ('<input value="O&#x27;Brien &amp; &lt;Co&gt;">'
                      "<p>O&#x27;Brien &amp; &lt;Co&gt;</p><table></table>")
    assert Slots(texts=["a"]).texts["a"] != Slots(texts=["a"]).texts["a"]
    assert slots.fill(page).count(word) == 0  # not given: left empty
