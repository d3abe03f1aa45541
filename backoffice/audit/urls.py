from django.urls import path

from backoffice.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entries, name="entries"),
    path("<int:entry_id>/", views.entry, name="entry"),
    path("export.<str:fmt>", views.export, name="export"),
    path("integrity/", views.integrity, name="integrity"),
]
