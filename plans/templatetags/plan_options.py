"""Template helper for the calculator's options panel: `{% load plan_options %}`."""

from __future__ import annotations

from django import template

from plans.options import OptionsForm

register = template.Library()


@register.simple_tag(takes_context=True)
def options_form_or_default(context: template.Context) -> OptionsForm:
    """The grid's form as the view bound it, else one showing what was last posted with the
    calculator's form (its inputs belong to it), else the defaults."""
    form = context.get("options_form")
    if form is not None:
        return form
    request = context.get("request")
    posted = getattr(request, "POST", {}) if request is not None else {}
    initial = {name: posted[name] for name in ("option_by", "option_months") if posted.get(name)}
    return OptionsForm(initial=initial)
