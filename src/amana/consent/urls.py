from django.urls import path

from amana.consent import views

app_name = "consent"
urlpatterns = [
    path("cases/<uuid:case_id>/", views.case_consents, name="case"),
    path("scripts/<slug:purpose>/", views.script, name="script"),
    path("form/<slug:purpose>/", views.blank_form, name="form"),
    path("records/<uuid:record_id>/receipt.pdf", views.receipt, name="receipt"),
]
