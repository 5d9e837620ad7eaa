"""The case review pipeline's pages (part of the ``reviews`` namespace)."""

from django.urls import URLPattern, path

from . import views

R = "<int:review_id>/"

urlpatterns: list[URLPattern] = [
    path("", views.review_list, name="review-list"),
    path("reviews.csv", views.review_list_csv, name="review-list-csv"),
    path("refer/", views.review_refer, name="review-refer"),
    path("settings/", views.review_settings, name="review-settings"),
    path(R, views.review_detail, name="review-detail"),
    path(f"{R}acknowledge/", views.review_acknowledge, name="review-acknowledge"),
    path(f"{R}notifiable/", views.review_triage, name="review-triage"),
    path(f"{R}notification/", views.review_notify, name="review-notify"),
    path(f"{R}partners-told/", views.review_partners_told, name="review-partners-told"),
    path(f"{R}rapid-review-sent/", views.review_rapid_review, name="review-rapid-review"),
    path(f"{R}decision/", views.review_decide, name="review-decide"),
    path(f"{R}panel-response/", views.review_panel_response, name="review-panel-response"),
    path(f"{R}commission/", views.review_commission, name="review-commission"),
    path(
        f"{R}commissioning-notice/",
        views.review_commissioning_notice,
        name="review-commissioning-notice",
    ),
    path(f"{R}costs/new/", views.review_cost_add, name="review-cost-add"),
    path(f"{R}pauses/new/", views.review_pause, name="review-pause"),
    path(f"{R}pauses/<int:pause_id>/end/", views.review_pause_end, name="review-pause-end"),
    path(f"{R}report/", views.review_report, name="review-report"),
    path(f"{R}publication/", views.review_publish, name="review-publish"),
    path(f"{R}not-published/", views.review_not_published, name="review-not-published"),
    path(f"{R}close/", views.review_close, name="review-close"),
    path(f"{R}withdraw/", views.review_withdraw, name="review-withdraw"),
    path(f"{R}redaction/", views.review_redaction, name="review-redaction"),
]
