from django.urls import path

from amana.sharing.api import SharingCheckView

urlpatterns = [
    path("sharing/check", SharingCheckView.as_view(), name="api-sharing-check"),
]
