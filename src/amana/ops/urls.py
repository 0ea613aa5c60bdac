from django.urls import path

from amana.ops import views

app_name = "ops"
urlpatterns = [
    path("failed/", views.failed_jobs, name="failed_jobs"),
    path("failed/<int:job_id>/retry", views.retry_job, name="retry_job"),
]
