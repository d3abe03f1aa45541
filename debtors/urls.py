from django.urls import path

from debtors import views

app_name = "debtors"

urlpatterns = [
    path("", views.search, name="search"),
]
