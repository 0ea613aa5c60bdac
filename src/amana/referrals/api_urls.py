from django.urls import path

from amana.referrals.api import CaseLedgerView, CaseReferralsView, ReferralPreviewView
from amana.referrals.api_recipient import (
    AcceptView,
    InboxView,
    NoticeReadView,
    NoticesView,
    PacketView,
    RejectView,
    ServiceFeedbackView,
)
from amana.referrals.api_transfer import OverdueView, TransferPreviewView, TransferView

urlpatterns = [
    path(
        "cases/<str:case_id>/referrals/preview",
        ReferralPreviewView.as_view(),
        name="api-case-referral-preview",
    ),
    path("cases/<str:case_id>/referrals", CaseReferralsView.as_view(), name="api-case-referrals"),
    path("cases/<str:case_id>/ledger", CaseLedgerView.as_view(), name="api-case-ledger"),
    path(
        "cases/<str:case_id>/transfer/preview",
        TransferPreviewView.as_view(),
        name="api-case-transfer-preview",
    ),
    path("cases/<str:case_id>/transfer", TransferView.as_view(), name="api-case-transfer"),
    path("referrals/inbox", InboxView.as_view(), name="api-referrals-inbox"),
    path("referrals/overdue", OverdueView.as_view(), name="api-referrals-overdue"),
    path("referrals/notices", NoticesView.as_view(), name="api-referral-notices"),
    path(
        "referrals/notices/<str:notice_id>/read",
        NoticeReadView.as_view(),
        name="api-referral-notice-read",
    ),
    path("referrals/<str:referral_id>", PacketView.as_view(), name="api-referral"),
    path("referrals/<str:referral_id>/accept", AcceptView.as_view(), name="api-referral-accept"),
    path("referrals/<str:referral_id>/reject", RejectView.as_view(), name="api-referral-reject"),
    path(
        "referrals/<str:referral_id>/feedback",
        ServiceFeedbackView.as_view(),
        name="api-referral-feedback",
    ),
]
