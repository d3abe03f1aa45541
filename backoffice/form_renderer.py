"""The form renderer: Jinja2 for Django's own widget templates, Django's engine for the rest.

Django ships every template of `django/forms/` for both engines, with the same markup; Jinja2
draws them several times faster (the debtor page spent a quarter of its CPU on its forms'
fields with the Django engine). Widgets of other apps (the admin's, auth's password hash) have
Django templates only: those fall back to Django's engine.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
