"""`{% oob_field_errors %}` writes what partials/field_errors.html writes, field by field."""

from django import forms
from django.template import Context, Template

from plans.templatetags.plans import oob_field_errors


class Terms(forms.Form):
    amount = forms.DecimalField(min_value=1)
    note = forms.CharField(required=False)


Rows = forms.formset_factory(Terms, extra=0)

AS_INCLUDED = Template(
    '{% for field in form %}{% include "plans/partials/field_errors.html" with field=field '
    'oob=True %}{% endfor %}')


def test_the_same_boxes_as_the_partial_with_errors_escaped_and_fixed_fields_emptied():
    form = Terms({"amount": "0", "note": "<b>"})
    rows = Rows({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
                 "form-0-amount": "x", "form-0-note": ""})
    assert not form.is_valid() and not rows.is_valid()
    expected = "".join(AS_INCLUDED.render(Context({"form": f})) for f in [form, *rows.forms])
    boxes = [line for line in expected.splitlines() if line]  # the partial ends in a newline
    assert oob_field_errors(form, rows).splitlines() == boxes
    assert 'id="id_note_error" hx-swap-oob="true"></div>' in expected  # no error: emptied
    assert "greater than or equal to 1" in expected


def test_a_message_with_markup_stays_text():
    form = Terms({"amount": "5"})
    form.is_valid()
    form.add_error("note", "<script>x</script>")
    html = oob_field_errors(form)
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
