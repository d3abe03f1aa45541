"""URLs of the sessions pages (included by backoffice/signin/urls.py, namespace signin)."""

from django.urls import path

from backoffice.signin import session_views

urlpatterns = [
    path("sessions/end-others/", session_views.end_other_sessions, name="end-other-sessions"),
    path("users/", session_views.users, name="users"),
    path("users/<int:pk>/end-sessions/", session_views.end_user_sessions,
         name="end-user-sessions"),
]
