from django.urls import path

from . import views, views_chronology

app_name = "journey"

urlpatterns = [
    path("cases/<int:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:case_id>/allocate/", views.case_allocate, name="case-allocate"),
    path("cases/<int:case_id>/oversight/", views.case_oversight, name="case-oversight"),
    path("cases/<int:case_id>/close/", views.case_close, name="case-close"),
    path("cases/transfer-in/", views.case_transfer_in, name="case-transfer-in"),
    path("work-list/", views.work_list, name="work-list"),
    path("timescales/", views.clocks, name="clocks"),
    path("practice-settings/", views.practice_settings, name="practice-settings"),
    path(
        "practice-settings/timescales/<str:code>/",
        views.practice_timescale,
        name="practice-timescale",
    ),
    path("practice-settings/practice-model/", views.practice_model, name="practice-model"),
    path("practice-settings/continuum/", views.practice_continuum, name="practice-continuum"),
    path(
        "children/<int:child_id>/chronology/",
        views_chronology.chronology,
        name="chronology",
    ),
    path(
        "children/<int:child_id>/chronology/add/",
        views_chronology.chronology_add,
        name="chronology-add",
    ),
    path(
        "children/<int:child_id>/chronology/print/",
        views_chronology.chronology_print,
        name="chronology-print",
    ),
    path(
        "children/<int:child_id>/chronology.csv",
        views_chronology.chronology_csv,
        name="chronology-csv",
    ),
    path(
        "children/<int:child_id>/chronology.pdf",
        views_chronology.chronology_pdf,
        name="chronology-pdf",
    ),
]
