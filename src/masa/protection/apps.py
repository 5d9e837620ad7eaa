from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "masa.protection"
    label = "protection"
    verbose_name = "Assessment, children in need and child protection"
