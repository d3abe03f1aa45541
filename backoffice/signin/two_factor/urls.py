"""URLs of two-factor (included by backoffice/signin/urls.py, namespace signin)."""

urlpatterns: list = []
