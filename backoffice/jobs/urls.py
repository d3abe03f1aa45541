from django.urls import path

from backoffice.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("start", views.job_start, name="start"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/row", views.job_row, name="row"),
    path("<int:job_id>/retry", views.job_retry, name="retry"),
    path("<int:job_id>/download", views.job_download, name="download"),
]
