from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "masa.reviews"
    label = "reviews"
    verbose_name = "Case reviews and learning"

    def ready(self) -> None:
        from masa.core.panels import DashboardPanel, register

        from .selectors import dashboard_panel

        # Overdue review steps on the home page of the business unit and the overseers.
        register(DashboardPanel("reviews/_dashboard.html", dashboard_panel))
