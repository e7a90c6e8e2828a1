"""`python manage.py import_court_list FILE --court CODE_OR_CATH_ID --content-date YYYY-MM-DD
[--list-type TYPE] [--provenance SOURCE] [--language LANGUAGE] [--sensitivity LEVEL]`: read one
court list from a file, as if it had been pushed with those headers, and say what it did.

The list is read as a push is (court_lists.intake): the same checks, versions and policy. A
refused file changes nothing; the command then exits non-zero, naming each fault by its path in
the document (never a value from it)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.db.models import Q

from accounts.audit import AuditedCommand
from bookings.models import Court
from core.clock import local
from core.errors import DomainError
from court_lists import intake
from court_lists.models import ChangeKind, ListChange, ListLanguage, ListType, Sensitivity
from court_lists.readers import READERS


def _slot_words(slot: dict[str, str]) -> str:
    starts_at = local(datetime.fromisoformat(slot["starts_at"]))
    return f"{slot['courtroom']}, {starts_at:%a %d %b %H:%M}"


def change_words(change: ListChange) -> str:
    """One change as a line: kind, URN, where it was and where the list has it, and its state."""
    if change.kind == ChangeKind.ADDED:
        where = _slot_words(change.after)
    elif change.kind == ChangeKind.MOVED:
        where = f"{_slot_words(change.before)} -> {_slot_words(change.after)}"
    else:
        where = _slot_words(change.before)
    bookings = len(change.booking_ids)
    touched = f", {bookings} booking{'' if bookings == 1 else 's'}" if bookings else ""
    return f"  {change.kind:<8} {change.case_reference:<12} {where} ({change.state}{touched})"


class Command(AuditedCommand):
    help = "Read a court's published list from a JSON file, as if CaTH had pushed it."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The list: one JSON document as CaTH publishes it.")
        parser.add_argument(
            "--court", required=True, help="The court: its code, or its CaTH location id."
        )
        parser.add_argument(
            "--content-date", required=True, help="The day the list is for: YYYY-MM-DD."
        )
        parser.add_argument(
            "--list-type", default=ListType.MAGISTRATES_STANDARD_LIST, choices=list(READERS)
        )
        parser.add_argument(
            "--provenance",
            default="MANUAL_UPLOAD",
            help="The system the list came from (default MANUAL_UPLOAD).",
        )
        parser.add_argument("--language", default=ListLanguage.ENGLISH, choices=ListLanguage.values)
        parser.add_argument(
            "--sensitivity",
            choices=Sensitivity.values,
            help="By default as the list type is published (public list PUBLIC, standard list "
            "CLASSIFIED).",
        )

    def handle(self, *args, file: str, court: str, **options):
        found = Court.objects.filter(Q(code=court) | Q(cath_location_id=court)).first()
        if found is None:
            raise CommandError(f"No court has the code or CaTH location id {court}.")
        headers = {
            "x-list-type": options["list_type"],
            "x-content-date": options["content_date"],
            "x-provenance": options["provenance"],
            "x-language": options["language"],
        }
        if options.get("sensitivity"):
            headers["x-sensitivity"] = options["sensitivity"]
        path = Path(file)
        try:
            read = intake.list_headers(headers, court_named=False)
            document = intake.document_from_file(path)
            court_list = intake.list_receive(headers=read, document=document, court=found)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except DomainError as refusal:
            raise CommandError(
                f"{file} was refused; nothing changed.\n{intake.refusal_words(refusal)}"
            ) from None
        self.stdout.write(intake.read_words(court_list))
        for change in court_list.changes.order_by("case_reference", "id"):
            self.stdout.write(change_words(change))
