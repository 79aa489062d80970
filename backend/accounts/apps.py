from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from backend.accounts import privacy, roles  # noqa: F401  (register the permission, the account's data)
