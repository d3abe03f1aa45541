from django.apps import AppConfig


class DebtorsConfig(AppConfig):
    name = "debtors"
