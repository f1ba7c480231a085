from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sambandh.accounts"
    label = "accounts"
    verbose_name = _("Users and teams")

    def ready(self) -> None:
        from sambandh.core.references import Reference, register_reference

        # A merge moves shares to the kept record; one with the same user or team is one.
        register_reference(Reference("accounts.RecordShare", same=("user_id", "team_id")))
