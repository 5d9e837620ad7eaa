from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masa.core"
    label = "core"
    verbose_name = "masa core"
