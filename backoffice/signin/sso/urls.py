"""URLs of sso (included by backoffice/signin/urls.py, namespace signin)."""

urlpatterns: list = []
