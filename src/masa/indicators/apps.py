from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "masa.indicators"
    label = "indicators"
    verbose_name = "Indicators"
