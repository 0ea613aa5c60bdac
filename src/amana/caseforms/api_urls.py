from django.urls import path

from amana.caseforms.api import ApprovalsView, ApprovalView, CaseFormsView, CaseFormView

urlpatterns = [
    path("cases/<str:case_id>/forms/", CaseFormsView.as_view(), name="api-case-forms"),
    path(
        "cases/<str:case_id>/forms/<str:record_id>/",
        CaseFormView.as_view(),
        name="api-case-form",
    ),
    path("approvals/", ApprovalsView.as_view(), name="api-approvals"),
    path("approvals/<str:record_id>/", ApprovalView.as_view(), name="api-approval"),
]
