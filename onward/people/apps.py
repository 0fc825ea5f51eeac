from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "onward.people"
    label = "people"
    verbose_name = "Cohort register"
