from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "masa.care"
    label = "care"
    verbose_name = "Children in care, care leavers, missing, exploitation and LADO"
