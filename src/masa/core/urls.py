from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/security-code/", views.two_factor, name="two-factor"),
    path("sign-in/set-up-authenticator/", views.two_factor_setup, name="two-factor-setup"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("roles/", views.roles, name="roles"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("alerts/", views.notifications, name="notifications"),
    path("drafts/<slug:form_key>/", views.draft_save, name="draft-save"),
    path("partnership/", views.partnership, name="partnership"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("users/", views.user_list, name="user-list"),
    path("users/<int:user_id>/unlock/", views.user_unlock, name="user-unlock"),
    path("bank-holidays/", views.bank_holidays, name="bank-holidays"),
    path("emergency-access-reviews/", views.break_glass_review, name="break-glass-review"),
]
