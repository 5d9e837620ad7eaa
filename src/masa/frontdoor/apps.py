from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "masa.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door (MASH)"
