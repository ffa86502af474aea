from django.apps import AppConfig


class WorksConfig(AppConfig):
    name = "ficarchive.works"
    label = "works"

    def ready(self) -> None:
        from ficarchive.works import signals  # noqa: F401  (connects the receivers)
