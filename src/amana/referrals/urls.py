from django.urls import path

from amana.referrals import views

app_name = "referrals"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("cases/<uuid:case_id>/new/", views.refer, name="refer"),
    path("cases/<uuid:case_id>/new/elements/", views.refer_elements, name="refer_elements"),
    path("cases/<uuid:case_id>/transfer/", views.transfer, name="transfer"),
    path("cases/<uuid:case_id>/closed/", views.share_closed, name="share_closed"),
    path("<uuid:referral_id>/", views.packet, name="packet"),
    path("<uuid:referral_id>/respond/", views.respond, name="respond"),
    path("<uuid:referral_id>/feedback/", views.feedback, name="feedback"),
    path("notices/<uuid:notice_id>/read/", views.notice_read, name="notice_read"),
]
