from django.urls import path

from backoffice.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entries, name="entries"),
]
