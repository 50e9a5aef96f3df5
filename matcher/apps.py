from django.apps import AppConfig


class MatcherConfig(AppConfig):
    name = "matcher"
    verbose_name = "Matching"

    def ready(self) -> None:
        # Registers the tasks in every process, not only in workers (where autodiscovery does
        # it): a task queued by name then runs in eager mode (tests, debugging) as well.
        import matcher.tasks  # noqa: F401
