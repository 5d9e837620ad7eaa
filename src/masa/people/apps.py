from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "masa.people"
    label = "people"
    verbose_name = "Children and families"
