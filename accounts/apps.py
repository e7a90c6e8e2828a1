from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from . import audit, checks, receivers  # noqa: F401  (audit and checks register themselves)

        receivers.connect()
