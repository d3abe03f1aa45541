"""URLs of the sessions pages (included by backoffice/signin/urls.py, namespace signin)."""

urlpatterns: list = []
