from django.urls import path

from . import views

app_name = "assurance"

urlpatterns = [
    path("", views.action_list, name="action-list"),
    path("export.csv", views.action_list_csv, name="action-list-csv"),
    path("mine/", views.my_actions, name="my-actions"),
    path("new/", views.action_create, name="action-create"),
    path(
        "from-recommendation/<int:recommendation_id>/",
        views.actions_from_recommendation,
        name="actions-from-recommendation",
    ),
    path("<int:action_id>/", views.action_detail, name="action-detail"),
    path("<int:action_id>/update/", views.action_update, name="action-update"),
    path("<int:action_id>/edit/", views.action_edit, name="action-edit"),
    path("priorities/", views.priority_list, name="priority-list"),
    path("priorities/new/", views.priority_create, name="priority-create"),
    path("priorities/<int:priority_id>/", views.golden_thread, name="golden-thread"),
    path("priorities/<int:priority_id>/edit/", views.priority_edit, name="priority-edit"),
    path("priorities/<int:priority_id>/measures/new/", views.measure_add, name="measure-add"),
    path(
        "measures/<int:measure_id>/readings/new/",
        views.measure_reading_add,
        name="measure-reading-add",
    ),
]
