from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self) -> None:
        from accounts import privacy
        from candidates.services import organisation_candidates_export, organisation_files_erase

        # Candidate rows go with the organisation by cascade; their files in storage do not.
        privacy.register_exporter("candidates", organisation_candidates_export)
        privacy.register_eraser("candidates", organisation_files_erase)

        # Registers the tasks in every process, not only in workers (where autodiscovery does
        # it): a task queued by name then runs in eager mode (tests, debugging) as well.
        import candidates.tasks  # noqa: F401
