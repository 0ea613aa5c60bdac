from django.urls import path

from amana.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<uuid:notification_id>/read/", views.mark_read, name="read"),
]
