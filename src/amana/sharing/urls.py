from django.urls import path

from amana.sharing import views

app_name = "sharing"
urlpatterns = [
    path("can-i-share/", views.can_i_share, name="can_i_share"),
]
