"""The case form pages. Included by `amana.cases.urls`, so they stay under the `cases:` URL
namespace and `/cases/` paths (`cases:form_new`, `cases:approvals`, `cases:form_admin` …)."""

from django.urls import path

from amana.caseforms.views import approvals, case_forms, form_admin

urlpatterns = [
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/<uuid:record_id>/", approvals.decide, name="decide"),
    path("<uuid:case_id>/forms/<slug:form_id>/", case_forms.case_form_new, name="form_new"),
    path(
        "<uuid:case_id>/forms/<slug:form_id>/<uuid:record_id>/",
        case_forms.case_form_record,
        name="form_record",
    ),
    path("forms-admin/", form_admin.form_admin_list, name="form_admin"),
    path("forms-admin/<slug:form_id>/", form_admin.form_admin_edit, name="form_admin_edit"),
]
