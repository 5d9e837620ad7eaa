from django.apps import AppConfig


class EarlyhelpConfig(AppConfig):
    name = "masa.earlyhelp"
    label = "earlyhelp"
    verbose_name = "Early help"
