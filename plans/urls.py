from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
]
