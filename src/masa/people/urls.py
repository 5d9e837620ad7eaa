from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.child_list, name="child-list"),
    path("emergency-access/", views.break_glass, name="break-glass"),
    path("<int:child_id>/", views.child_detail, name="child-detail"),
    path("<int:child_id>/change/", views.child_edit, name="child-edit"),
    path("<int:child_id>/who-viewed/", views.child_access_report, name="child-access-report"),
    path("<int:child_id>/give-access/", views.child_grant_access, name="child-grant-access"),
]
