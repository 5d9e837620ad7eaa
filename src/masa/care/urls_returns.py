"""Routes for the SSDA903 return (app ``care``, under /care/returns/903/)."""

from django.urls import URLPattern, path

from . import views_returns as v

urlpatterns: list[URLPattern] = [
    path("returns/903/", v.returns903, name="returns903"),
    path("returns/903/export/", v.returns903_export, name="returns903-export"),
    path("returns/903/upload/", v.returns903_upload, name="returns903-upload"),
    path("returns/903/uploads/<str:upload_id>/", v.returns903_findings, name="returns903-findings"),
    path(
        "returns/903/uploads/<str:upload_id>/findings.csv",
        v.returns903_findings_csv,
        name="returns903-findings-csv",
    ),
    path(
        "returns/903/uploads/<str:upload_id>/findings.xlsx",
        v.returns903_findings_xlsx,
        name="returns903-findings-xlsx",
    ),
    path(
        "returns/903/uploads/<str:upload_id>/preview/",
        v.returns903_preview,
        name="returns903-preview",
    ),
    path(
        "returns/903/uploads/<str:upload_id>/confirm/",
        v.returns903_confirm,
        name="returns903-confirm",
    ),
]
