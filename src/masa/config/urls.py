from django.urls import include, path

urlpatterns = [
    path("", include("masa.core.urls")),
    path("children/", include("masa.people.urls")),
    path("casework/", include("masa.journey.urls")),
    path("front-door/", include("masa.frontdoor.urls")),
    path("early-help/", include("masa.earlyhelp.urls")),
    path("protection/", include("masa.protection.urls")),
    path("care/", include("masa.care.urls")),
    path("reviews/", include("masa.reviews.urls")),
    path("returns/", include("masa.returns.urls")),
    path("actions/", include("masa.assurance.urls")),
    path("indicators/", include("masa.indicators.urls")),
]

handler400 = "masa.core.views.bad_request"
handler403 = "masa.core.views.forbidden"
handler404 = "masa.core.views.not_found"
handler500 = "masa.core.views.server_error"
