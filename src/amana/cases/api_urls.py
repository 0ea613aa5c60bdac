from django.urls import path

from amana.cases.api import CaseDetailView, CaseListView
from amana.cases.api_forms import (
    ApprovalsView,
    ApprovalView,
    CaseFormsView,
    CaseFormView,
    DueTasksView,
)

urlpatterns = [
    path("cases/", CaseListView.as_view(), name="api-cases"),
    path("cases/<str:case_id>/", CaseDetailView.as_view(), name="api-case"),
    path("cases/<str:case_id>/forms/", CaseFormsView.as_view(), name="api-case-forms"),
    path(
        "cases/<str:case_id>/forms/<str:record_id>/",
        CaseFormView.as_view(),
        name="api-case-form",
    ),
    path("approvals/", ApprovalsView.as_view(), name="api-approvals"),
    path("approvals/<str:record_id>/", ApprovalView.as_view(), name="api-approval"),
    path("tasks/due/", DueTasksView.as_view(), name="api-due-tasks"),
]
