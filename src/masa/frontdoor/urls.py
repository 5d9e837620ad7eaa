from django.urls import path

from . import views

app_name = "frontdoor"

urlpatterns = [
    path("", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_new, name="contact-new"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact-detail"),
    path(
        "contacts/<int:contact_id>/agency-check/",
        views.agency_check_add,
        name="agency-check-add",
    ),
    path("contacts/<int:contact_id>/decision/", views.contact_decide, name="contact-decide"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral-detail"),
    path(
        "referrals/<int:referral_id>/no-further-action/",
        views.referral_nfa,
        name="referral-nfa",
    ),
]
