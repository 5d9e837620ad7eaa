from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "masa.assurance"
    label = "assurance"
    verbose_name = "Priorities and actions"
