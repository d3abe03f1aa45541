"""The form renderer: Django's widgets through Jinja2, other apps' through Django's engine."""

import re

from django import forms
from django.contrib.auth.forms import ReadOnlyPasswordHashField
from django.forms.renderers import DjangoTemplates

from backoffice.form_renderer import FormRenderer


class SampleForm(forms.Form):
    name = forms.CharField(max_length=20, help_text="As on the ID card")
    kind = forms.ChoiceField(choices=[("p", "Person"), ("c", "Company & co")])
    cases = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")],
                                      widget=forms.CheckboxSelectMultiple)
    password = ReadOnlyPasswordHashField()


def test_the_project_renders_forms_with_it():
    assert isinstance(SampleForm().renderer, FormRenderer)


def same_html(html: str) -> str:
    """Jinja2 writes a quote as &#34; (the Django engine &quot;) and breaks lines elsewhere:
    the same HTML either way, once runs of white space count as one."""
    html = re.sub(r"\s+", " ", html.replace("&#34;", "&quot;"))
    return re.sub(r">\s+<", "><", html).strip()


def test_django_widgets_come_out_as_the_django_engine_draws_them():
    data = {"name": 'A "quoted" <name>', "kind": "c", "cases": ["2"]}
    fast = SampleForm(data, renderer=FormRenderer())
    plain = SampleForm(data, renderer=DjangoTemplates())
    for name in ("name", "kind", "cases"):
        assert same_html(fast[name].as_field_group()) == same_html(plain[name].as_field_group())
    assert "&lt;name&gt;" in fast["name"].as_widget()


def test_a_widget_with_only_a_django_template_still_renders():
    html = SampleForm(renderer=FormRenderer())["password"].as_widget()
    assert "No password set" in html
