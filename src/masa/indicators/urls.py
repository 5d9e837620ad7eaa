from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("snapshots/", views.snapshot_list, name="snapshots"),
    path("compare-with/", views.compare_with, name="compare-with"),
    path("<slug:code>/", views.measure, name="measure"),
    path("<slug:code>/csv/", views.measure_csv, name="measure-csv"),
    path("<slug:code>/children/", views.children, name="children"),
]
