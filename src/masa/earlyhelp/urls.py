from django.urls import path

from . import views

app_name = "earlyhelp"

urlpatterns = [
    path("", views.episode_list, name="episode-list"),
    path("start/", views.episode_start, name="episode-start"),
    path("<int:episode_id>/", views.episode_detail, name="episode-detail"),
    path("<int:episode_id>/assessment/", views.episode_assessment, name="episode-assessment"),
    path("<int:episode_id>/plan/", views.episode_plan, name="episode-plan"),
    path("<int:episode_id>/reviews/new/", views.episode_review, name="episode-review"),
    path("<int:episode_id>/lead/", views.episode_lead, name="episode-lead"),
    path("<int:episode_id>/end/", views.episode_end, name="episode-end"),
    path("<int:episode_id>/step-up/", views.episode_step_up, name="episode-step-up"),
]
