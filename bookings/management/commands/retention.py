"""`python manage.py retention [--dry-run]`: anonymise the witnesses who are due, now, with
every copy of their details (docs/privacy.md), and say what changed, per inventory row.

The daily job (bookings.tasks.anonymise_witnesses) runs the same sweep. `--dry-run` says what
a run would change and changes nothing; a real run is recorded, and admins see its counts in
the Django admin (Bookings › Retention runs)."""

from django.conf import settings

from accounts.audit import AuditedCommand
from bookings.retention import retention_sweep
from core.clock import local


class Command(AuditedCommand):
    help = "Anonymise witnesses due under the retention rules (--dry-run: only say what)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what a run would change, per inventory row, and change nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        plan = retention_sweep(dry_run=dry_run, via="manage.py retention")
        when = f"{local(plan.at):%a %d %b %Y %H:%M} (UK time)"
        rules = (
            f"Witnesses are anonymised {settings.RETENTION_DAYS} days after their last booking "
            f"ends (RETENTION_DAYS), and {settings.RETENTION_UNBOOKED_DAYS} days after they were "
            "created or last changed if never booked (RETENTION_UNBOOKED_DAYS)."
        )
        if dry_run:
            self.stdout.write(f"Retention dry run, {when}: nothing has been changed.")
            self.stdout.write(rules)
            self.stdout.write("A run now would change:")
        else:
            self.stdout.write(f"Retention run, {when}.")
            self.stdout.write(rules)
            self.stdout.write("Changed:")
        for line in plan.lines():
            self.stdout.write(line)
        if not dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Recorded as retention run {plan.run.pk}: admins see it in the Django "
                    "admin, Bookings > Retention runs."
                )
            )
