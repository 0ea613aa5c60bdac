from django.urls import path

from amana.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="index"),
    path("cases.csv", views.report_csv, name="download"),
]
