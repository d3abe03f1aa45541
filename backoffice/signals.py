"""Keeps the role groups and their permissions in step with roles.py after every migrate."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from backoffice.roles import sync_role_groups


@receiver(post_migrate)
def ensure_role_groups(sender, using="default", **kwargs) -> None:
    if getattr(sender, "name", "") != "backoffice" or using != "default":
        return
    sync_role_groups(using=using)
