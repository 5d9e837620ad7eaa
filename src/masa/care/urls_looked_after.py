"""Routes for children looked after (app ``care``, under /care/)."""

from django.urls import URLPattern, path

from . import views_looked_after as v

urlpatterns: list[URLPattern] = [
    path("children/<int:child_id>/", v.child_care, name="child-care"),
    path("children/<int:child_id>/place/", v.place_child, name="place-child"),
    path("episodes/<int:episode_id>/placement/", v.change_placement, name="change-placement"),
    path(
        "episodes/<int:episode_id>/legal-status/",
        v.change_legal_status,
        name="change-legal-status",
    ),
    path("episodes/<int:episode_id>/cease/", v.cease_care, name="cease-care"),
    path("episodes/<int:episode_id>/correct/", v.episode_correct, name="episode-correct"),
    path("children/<int:child_id>/reviews/new/", v.review_record, name="review-record"),
    path(
        "children/<int:child_id>/health-and-education/new/",
        v.health_event_record,
        name="health-event-record",
    ),
    path("children/<int:child_id>/outcomes/new/", v.outcomes_record, name="outcomes-record"),
    path("children/<int:child_id>/adoption/new/", v.adoption_record, name="adoption-record"),
    path("children/<int:child_id>/permanence/new/", v.permanence_record, name="permanence-record"),
    path("children/<int:child_id>/uasc/", v.uasc_set, name="uasc"),
    path(
        "children/<int:child_id>/social-worker/",
        v.social_worker_change,
        name="social-worker-change",
    ),
    path("carers/", v.carer_list, name="carer-list"),
    path("carers/new/", v.carer_create, name="carer-create"),
]
