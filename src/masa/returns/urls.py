"""Returns pages, under /returns/ (the lead includes them with the namespace ``returns``)."""

from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("cin/export/", views.cin_export, name="cin-export"),
    path("cin/check/", views.cin_validate, name="cin-validate"),
    path("cin/check/<str:token>/", views.cin_findings, name="cin-findings"),
    path("annex-a/", views.annex_a, name="annex-a"),
]
