from django.urls import path

from amana.protocols import views

app_name = "protocols"
urlpatterns = [
    path("", views.protocol_list, name="list"),
    path("<str:reference>/", views.protocol_detail, name="detail"),
]
