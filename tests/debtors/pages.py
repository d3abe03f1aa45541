"""What the debtor pages are sent and what they show: form data as a browser posts it, the
htmx header, the names in the search results."""

from __future__ import annotations

import re

from django import forms

HTMX = {"HX-Request": "true"}


def post_data(form: forms.Form, **changes) -> dict[str, str]:
    """What a browser posts for `form` as rendered (its initial values), with `changes`."""
    data: dict[str, str] = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(bound.field, forms.NullBooleanField):
            value = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(widget, forms.CheckboxInput):
            if not value:
                continue
            value = "on"
        elif value is None and isinstance(widget, forms.Select) and bound.field.choices:
            value = next(iter(bound.field.choices))[0]  # a browser submits the first option
        elif value is None:
            value = ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[bound.html_name] = str(value)
    for name, value in changes.items():
        data[name] = "" if value is None else str(value)
    return data


def rows_html(html: str) -> list[str]:
    """The debtor names in the result table, in order."""
    body = html.split('id="debtor-table"', 1)[-1]
    return re.findall(r'<a href="/debtors/[0-9a-f-]+/" data-row-link>([^<]+)</a>', body)
