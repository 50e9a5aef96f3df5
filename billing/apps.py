from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Credits and billing"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from accounts.signals import account_email_context
        from billing.signals import grant_trial_on_email_confirmed, trial_words_for_email

        account_email_context.connect(
            trial_words_for_email, dispatch_uid="billing.trial_words_for_email"
        )
        email_confirmed.connect(
            grant_trial_on_email_confirmed, dispatch_uid="billing.grant_trial_on_email_confirmed"
        )
        from django.db.models.signals import post_delete, pre_delete

        from accounts.models import Organisation
        from billing.signals import clear_ledger_erasure, mark_ledger_erasure

        pre_delete.connect(
            mark_ledger_erasure, sender=Organisation, dispatch_uid="billing.mark_ledger_erasure"
        )
        post_delete.connect(
            clear_ledger_erasure, sender=Organisation, dispatch_uid="billing.clear_ledger_erasure"
        )
