"""Routes of the review group and the rapid review pack."""

from django.urls import URLPattern, path

from . import views_pack

urlpatterns: list[URLPattern] = [
    path("<int:review_id>/group/", views_pack.review_group, name="review-group"),
    path(
        "<int:review_id>/group/<int:member_id>/remove/",
        views_pack.review_group_remove,
        name="review-group-remove",
    ),
    path(
        "<int:review_id>/children/add/",
        views_pack.review_child_add_view,
        name="review-child-add",
    ),
    path("<int:review_id>/pack/", views_pack.pack_detail, name="pack"),
    path("<int:review_id>/pack/draft/", views_pack.pack_draft_view, name="pack-draft"),
    path(
        "<int:review_id>/pack/<int:contribution_id>/",
        views_pack.pack_contribution,
        name="pack-contribution",
    ),
]
