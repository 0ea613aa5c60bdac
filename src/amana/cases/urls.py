from django.urls import path

from amana.cases import views
from amana.cases.views import form_admin

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("team/", views.team_list, name="team"),
    path("due/", views.due_list, name="due"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<uuid:record_id>/", views.decide, name="decide"),
    path("new/", views.register, name="register"),
    path("new/<slug:step>/", views.register, name="register_step"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/assign/", views.case_assign, name="assign"),
    path("<uuid:case_id>/unassign/", views.case_unassign, name="unassign"),
    path("<uuid:case_id>/supervisor/", views.case_supervisor, name="supervisor"),
    path("<uuid:case_id>/reopen/", views.case_reopen, name="reopen"),
    path("<uuid:case_id>/forms/<slug:form_id>/", views.case_form_new, name="form_new"),
    path(
        "<uuid:case_id>/forms/<slug:form_id>/<uuid:record_id>/",
        views.case_form_record,
        name="form_record",
    ),
    path("forms-admin/", form_admin.form_admin_list, name="form_admin"),
    path("forms-admin/<slug:form_id>/", form_admin.form_admin_edit, name="form_admin_edit"),
]
