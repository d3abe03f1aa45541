from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from backoffice.models import UserProfile


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own name ("svenska", "suomi"), so anyone can find theirs."""
    return [("", _("Same as my browser"))] + [
        (code, get_language_info(code)["name_local"].capitalize())
        for code, _name in settings.LANGUAGES
    ]


class LanguageSelect(forms.Select):
    """Marks each option with its own `lang`, so screen readers pronounce it right."""

    def create_option(self, name, value, *args, **kwargs) -> dict:
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class ProfileForm(forms.ModelForm):
    class Meta:
        model = UserProfile
        fields = ["language"]
        labels = {"language": _("Language")}
        help_texts = {
            "language": _("Dates, numbers and amounts follow the language you choose.")
        }
        widgets = {"language": LanguageSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
