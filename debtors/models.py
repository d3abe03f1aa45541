"""Saved debtor searches: an agent names a query with its filters and may share it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedSearch(models.Model):
    """The search page's query parameters under a name (unique per owner).

    `params` holds the search form's cleaned parameters as strings (`q`, `type`, `city`,
    `country`, `currency`, `per_page`, `sort`), never the page number. A shared search is
    listed for every user who may search debtors; only its owner deletes it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=80)
    params = models.JSONField(_("query parameters"), default=dict)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=("owner", "name"), name="debtors_saved_search_name"),
        ]
        indexes = [models.Index(fields=("shared", "name"), name="debtors_saved_shared")]

    def __str__(self) -> str:
        return self.name
