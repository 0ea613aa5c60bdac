from django.urls import path

from amana.caseforms.urls import urlpatterns as caseform_patterns
from amana.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("team/", views.team_list, name="team"),
    path("due/", views.due_list, name="due"),
    path("new/", views.register, name="register"),
    path("new/<slug:step>/", views.register, name="register_step"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/assign/", views.case_assign, name="assign"),
    path("<uuid:case_id>/unassign/", views.case_unassign, name="unassign"),
    path("<uuid:case_id>/supervisor/", views.case_supervisor, name="supervisor"),
    path("<uuid:case_id>/reopen/", views.case_reopen, name="reopen"),
    # The forms of a case, approvals and adapting forms (amana.caseforms), same namespace.
    *caseform_patterns,
]
