from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "masa.journey"
    label = "journey"
    verbose_name = "Casework and chronology"
