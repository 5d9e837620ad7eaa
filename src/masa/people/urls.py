from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.child_list, name="child-list"),
    path("new/", views.child_create, name="child-create"),
    path("emergency-access/", views.break_glass, name="break-glass"),
    path("<int:child_id>/", views.child_detail, name="child-detail"),
    path("<int:child_id>/change/", views.child_edit, name="child-edit"),
    path("<int:child_id>/addresses/new/", views.address_add, name="address-add"),
    path("<int:child_id>/relationships/new/", views.relationship_add, name="relationship-add"),
    path(
        "<int:child_id>/relationships/<int:relationship_id>/end/",
        views.relationship_end,
        name="relationship-end",
    ),
    path("<int:child_id>/merge/", views.child_merge, name="child-merge"),
    path("<int:child_id>/restrict/", views.child_restrict, name="child-restrict"),
    path("<int:child_id>/who-viewed/", views.child_access_report, name="child-access-report"),
    path("<int:child_id>/give-access/", views.child_grant_access, name="child-grant-access"),
]
