from django.urls import path

from amana.sharing.api import (
    CaseExceptionalView,
    ExceptionalDecisionView,
    ExceptionalPendingView,
    SharingCheckView,
)

urlpatterns = [
    path("sharing/check", SharingCheckView.as_view(), name="api-sharing-check"),
    path(
        "cases/<str:case_id>/exceptional-circumstances/",
        CaseExceptionalView.as_view(),
        name="api-case-exceptional",
    ),
    path(
        "exceptional-circumstances/pending/",
        ExceptionalPendingView.as_view(),
        name="api-exceptional-pending",
    ),
    path(
        "exceptional-circumstances/<str:record_id>/decision/",
        ExceptionalDecisionView.as_view(),
        name="api-exceptional-decide",
    ),
]
