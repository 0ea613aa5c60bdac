from django.urls import path

from amana.sharing import views

app_name = "sharing"
urlpatterns = [
    path("can-i-share/", views.can_i_share, name="can_i_share"),
    path("cases/<uuid:case_id>/exceptional/", views.exceptional_case, name="exceptional_case"),
    path("exceptional/", views.exceptional_inbox, name="exceptional_inbox"),
    path("exceptional/<uuid:record_id>/", views.exceptional_detail, name="exceptional"),
]
