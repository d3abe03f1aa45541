"""The jobs page's start form: which job, and the options the jobs started by hand take."""

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.jobs import registry


class JobStartForm(forms.Form):
    name = forms.ChoiceField(
        label=_("Job"),
        choices=[(n, j.label) for n, j in registry.JOBS.items() if j.by_hand],
    )
    full = forms.BooleanField(label=_("Full re-check (integrity)"), required=False)
    before = forms.DateField(
        label=_("Archive entries before (archive)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the retention period (AUDIT_RETENTION_DAYS) back from today."),
    )

    def options(self) -> dict:
        """The options of the chosen job (checked again by `registry.clean_options`)."""
        name = self.cleaned_data["name"]
        if name == registry.AUDIT_VERIFY:
            return {"full": self.cleaned_data["full"]}
        if name == registry.AUDIT_ARCHIVE and self.cleaned_data["before"]:
            return {"before": self.cleaned_data["before"].isoformat()}
        return {}
