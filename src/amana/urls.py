from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from amana.core import views as core_views

urlpatterns = [
    path("health", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("amana.accounts.urls")),
    path("api/v1/", include("amana.sharing.api_urls")),
    path("api/v1/", include("amana.cases.api_urls")),
    path("api/v1/", include("amana.caseforms.api_urls")),
    path("api/v1/", include("amana.consent.api_urls")),
    path("api/v1/", include("amana.referrals.api_urls")),
    path("sharing/", include("amana.sharing.urls")),
    path("protocols/", include("amana.protocols.urls")),
    path("cases/", include("amana.cases.urls")),
    path("reports/", include("amana.reports.urls")),
    path("consent/", include("amana.consent.urls")),
    path("referrals/", include("amana.referrals.urls")),
    path("jobs/", include("amana.ops.urls")),
    path("notifications/", include("amana.notifications.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", core_views.ApiDocsView.as_view(), name="api-docs"),
    path("", include("amana.core.urls")),
]

# Styled error pages in the user's language (JSON under /api/): amana.core.error_pages.
handler400 = "amana.core.error_pages.bad_request"
handler403 = "amana.core.error_pages.permission_denied"
handler404 = "amana.core.error_pages.page_not_found"
handler500 = "amana.core.error_pages.server_error"
