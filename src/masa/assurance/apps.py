from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "masa.assurance"
    label = "assurance"
    verbose_name = "Priorities and actions"

    def ready(self) -> None:
        from masa.core.panels import DashboardPanel, register

        from .panels import dashboard_panel

        register(DashboardPanel("assurance/_dashboard.html", dashboard_panel))
