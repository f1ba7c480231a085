from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sambandh.core"
    label = "core"
