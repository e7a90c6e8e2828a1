from django.core.management.base import BaseCommand

from notifications.fake_twilio import run
from notifications.twilio_client import twilio_setting


class Command(BaseCommand):
    help = (
        "Run the fake Twilio server that the twilio SDK talks to in development "
        "(point TWILIO_API_BASE_URL at it). Its page lists every text a witness would get."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8020)
        parser.add_argument(
            "--app-url",
            default="http://127.0.0.1:8000",
            help="where the app runs: witnesses' replies are posted to its inbound webhook",
        )

    def handle(self, *args, host, port, app_url, **options):
        self.stdout.write(f"Fake Twilio: http://{host}:{port}/ (Ctrl-C to stop)")
        run(
            host=host,
            port=port,
            account_sid=twilio_setting("TWILIO_ACCOUNT_SID"),
            auth_token=twilio_setting("TWILIO_AUTH_TOKEN"),
            app_url=app_url,
            messaging_service_sid=twilio_setting("TWILIO_MESSAGING_SERVICE_SID"),
        )
