from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Credits and billing"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from billing.signals import grant_trial_on_email_confirmed

        email_confirmed.connect(
            grant_trial_on_email_confirmed, dispatch_uid="billing.grant_trial_on_email_confirmed"
        )
