"""`python -m notifications.fake_twilio [--host H] [--port P] [--app-url URL]`: the same as
`python manage.py fake_twilio`, with the credentials from the Django settings."""

import os
import sys

import django
from django.core.management import call_command


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    call_command("fake_twilio", *sys.argv[1:])


if __name__ == "__main__":
    main()
