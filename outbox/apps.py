from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Task outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The flush task must be known in every process that runs beat or a worker.
        import outbox.tasks  # noqa: F401
