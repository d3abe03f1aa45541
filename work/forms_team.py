"""The team view's forms: the period chooser (GET) and moving follow-ups to someone else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice import roles
from work.models import FollowUp
from work.team import (
    DEFAULT_KIND,
    MAX_WEEKS,
    POOL,
    Owner,
    Period,
    display_name,
    owner_get,
    period_preset,
    team_followup_list,
)

EARLIEST = date(2000, 1, 1)


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, help_text=_("Used with “Custom dates”."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PeriodForm(forms.Form):
    """Which days the figures count. Always bound (to the query string): an empty choice
    means the default, the last 4 weeks. `cleaned_data["range"]` is the `Period`."""

    period = forms.ChoiceField(label=_("Period"), required=False, choices=[
        ("week", _("This week")),
        ("4weeks", _("Last 4 weeks")),
        ("month", _("This month")),
        ("custom", _("Custom dates")),
    ])
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any):
        if data is not None and not data.get("period"):
            data = data.copy()
            data["period"] = DEFAULT_KIND  # so the chooser shows what the figures count
        super().__init__(data, *args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("period") or DEFAULT_KIND
        data["period"] = kind
        if kind != "custom":
            data["range"] = period_preset(kind)
            return data
        if self.has_error("date_from") or self.has_error("date_to"):
            return data
        first, last = data.get("date_from"), data.get("date_to")
        if first is None:
            self.add_error("date_from", _("Give the first day of the period."))
        if last is None:
            self.add_error("date_to", _("Give the last day of the period."))
        if first is None or last is None:
            return data
        if first < EARLIEST:
            self.add_error("date_from", _("Choose a day from 1 January 2000 on."))
        if last > timezone.localdate():
            self.add_error("date_to", _("The period cannot end after today."))
        elif last < first:
            self.add_error("date_to", _("The last day cannot come before the first."))
        elif len(Period(first, last).weeks()) > MAX_WEEKS:
            self.add_error("date_to", _("Choose a period of at most %(weeks)d weeks.")
                           % {"weeks": MAX_WEEKS})
        if not self.errors:
            data["range"] = Period(first, last)
        return data


class ReassignForm(forms.Form):
    """Move the ticked open follow-ups of `source` (or all of them) to `owner`.

    `source` and `owner` are a user id or "pool". Clean data: `source` and `owner` as
    `Owner`s, `followups` the follow-ups to move.
    """

    source = forms.CharField(widget=forms.HiddenInput)
    owner = forms.CharField(label=_("Move to"), widget=forms.Select, error_messages={
        "required": _("Choose who gets the follow-ups.")})
    followup = forms.ModelMultipleChoiceField(
        label=_("Follow-ups to move"), required=False, queryset=FollowUp.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    scope = forms.ChoiceField(required=False, choices=[("selected", _("Move the ticked")),
                                                       ("all", _("Move all"))])

    def __init__(self, *args: Any, members: Sequence[Any] = (), source: Owner | None = None,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.source = source or (owner_get(key=str(self.data.get("source", "")))
                                 if self.is_bound else None)
        if self.source is not None:
            self.initial.setdefault("source", self.source.key)
            followup = self.fields["followup"]
            followup.queryset = team_followup_list(owner=self.source)
            followup.error_messages["invalid_choice"] = _(
                "A ticked follow-up is no longer open with %(owner)s; the list below shows "
                "them as they are now.") % {"owner": self.source.name}
        self.fields["owner"].widget.choices = [
            ("", _("Choose…")), (POOL, _("The team pool")),
            *((str(user.pk), display_name(user)) for user in members),
        ]

    def clean_source(self) -> Owner:
        if self.source is None:
            raise forms.ValidationError(_("Choose whose follow-ups to move."))
        return self.source

    def clean_owner(self) -> Owner:
        owner = owner_get(key=self.cleaned_data["owner"].strip())
        if owner is None:
            raise forms.ValidationError(_("There is no such user."))
        if owner.user is not None:
            if not owner.user.is_active:
                raise forms.ValidationError(_("%(user)s can no longer sign in.")
                                            % {"user": owner.name})
            if not roles.user_can(owner.user, roles.KEEP_WORKLIST):
                raise forms.ValidationError(_("%(user)s does not work on follow-ups.")
                                            % {"user": owner.name})
        return owner

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        source, owner = data.get("source"), data.get("owner")
        if source is None or owner is None:
            return data
        if owner.key == source.key:
            self.add_error("owner", _("These follow-ups are already with %(owner)s; choose "
                                      "someone else.") % {"owner": owner.name})
            return data
        if data.get("scope") == "all":
            data["followups"] = list(team_followup_list(owner=source))
            if not data["followups"]:
                self.add_error(None, _("The team pool has no open follow-ups to move.")
                               if source.is_pool else
                               _("%(owner)s has no open follow-ups to move.")
                               % {"owner": source.name})
        elif not self.has_error("followup"):
            data["followups"] = list(data.get("followup") or ())
            if not data["followups"]:
                self.add_error("followup", _("Tick the follow-ups to move, or move all of "
                                             "them."))
        return data
