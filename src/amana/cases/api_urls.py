from django.urls import path

from amana.cases.api import CaseDetailView, CaseListView, DueTasksView

urlpatterns = [
    path("cases/", CaseListView.as_view(), name="api-cases"),
    path("cases/<str:case_id>/", CaseDetailView.as_view(), name="api-case"),
    path("tasks/due/", DueTasksView.as_view(), name="api-due-tasks"),
]
