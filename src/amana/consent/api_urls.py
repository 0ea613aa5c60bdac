from django.urls import path

from amana.consent.api import CaseConsentsView

urlpatterns = [
    path("cases/<str:case_id>/consents/", CaseConsentsView.as_view(), name="api-case-consents"),
]
