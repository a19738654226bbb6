from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "civicdesk.org"
    label = "org"
