"""The sign-in pages beyond the password form, mounted at accounts/ (namespace "signin")."""

from backoffice.signin import session_urls
from backoffice.signin.sso import urls as sso_urls
from backoffice.signin.two_factor import urls as two_factor_urls

app_name = "signin"
urlpatterns = [
    *sso_urls.urlpatterns,
    *two_factor_urls.urlpatterns,
    *session_urls.urlpatterns,
]
