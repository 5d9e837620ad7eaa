"""Learning from case reviews: themes, findings, recommendations, analysis and briefings."""

from django.urls import URLPattern, path

from . import views_learning as views

urlpatterns: list[URLPattern] = [
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/new/", views.theme_add, name="theme-add"),
    path("themes/analysis/", views.themes_analysis, name="themes-analysis"),
    path("themes/analysis.csv", views.themes_analysis_csv, name="themes-analysis-csv"),
    path("themes/<int:theme_id>/", views.theme_edit, name="theme-edit"),
    path("<int:review_id>/findings/", views.findings, name="findings"),
    path("<int:review_id>/findings/new/", views.finding_add, name="finding-add"),
    path("<int:review_id>/findings/<int:finding_id>/", views.finding_edit, name="finding-edit"),
    path(
        "<int:review_id>/findings/<int:finding_id>/withdraw/",
        views.finding_withdraw,
        name="finding-withdraw",
    ),
    path(
        "<int:review_id>/recommendations/new/",
        views.recommendation_add,
        name="recommendation-add",
    ),
    path(
        "<int:review_id>/recommendations/<int:recommendation_id>/",
        views.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "<int:review_id>/recommendations/<int:recommendation_id>/withdraw/",
        views.recommendation_withdraw,
        name="recommendation-withdraw",
    ),
    path("<int:review_id>/briefings/new/", views.briefing_generate, name="briefing-generate"),
    path("<int:review_id>/briefings/<int:briefing_id>/", views.briefing_page, name="briefing"),
    path(
        "<int:review_id>/briefings/<int:briefing_id>/change/",
        views.briefing_edit,
        name="briefing-edit",
    ),
    path(
        "<int:review_id>/briefings/<int:briefing_id>.pdf",
        views.briefing_pdf,
        name="briefing-pdf",
    ),
]
