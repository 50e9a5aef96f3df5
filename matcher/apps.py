from django.apps import AppConfig


class MatcherConfig(AppConfig):
    name = "matcher"
    verbose_name = "Matching"

    def ready(self) -> None:
        from billing.selectors import register_reservation_check
        from matcher.selectors.recovery import reservations_held_idle

        register_reservation_check(reservations_held_idle)

        # Registers the tasks in every process, not only in workers (where autodiscovery does
        # it): a task queued by name then runs in eager mode (tests, debugging) as well.
        import matcher.tasks  # noqa: F401
