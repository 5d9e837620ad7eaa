"""Routes for missing children and care leavers (app ``care``, under /care/)."""

from django.urls import URLPattern, path

from . import views_missing as v

urlpatterns: list[URLPattern] = [
    path("missing/", v.missing_list, name="missing-list"),
    path("missing/patterns/", v.missing_patterns, name="missing-patterns"),
    path("children/<int:child_id>/missing/", v.missing_child, name="missing-child"),
    path("children/<int:child_id>/missing/new/", v.missing_report, name="missing-report"),
    path("missing/<int:episode_id>/return/", v.missing_return, name="missing-return"),
    path("missing/<int:episode_id>/return-interview/", v.missing_rhi, name="missing-rhi"),
    path("leavers/", v.leaver_list, name="leaver-list"),
    path("children/<int:child_id>/leaver/", v.leaver, name="leaver"),
    path(
        "children/<int:child_id>/leaver/pathway-plan/new/",
        v.pathway_plan_record,
        name="pathway-plan-record",
    ),
    path(
        "children/<int:child_id>/leaver/contact/new/",
        v.leaver_contact_record,
        name="leaver-contact-record",
    ),
    path(
        "children/<int:child_id>/leaver/staying-put/",
        v.staying_put_record,
        name="staying-put-record",
    ),
]
