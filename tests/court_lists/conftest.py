"""A court that publishes its lists through CaTH (Brighton, location 1823), the sample lists,
and reading one as its push would deliver it."""

from datetime import date

import pytest

from bookings.models import ListChangesPolicy
from court_lists import samples
from court_lists.services import court_list_read
from tests.factories import CourtFactory
from tests.notifications.conftest import fake_twilio  # noqa: F401 (a fixture)

STANDARD = "brighton-2027-03-24-standard.json"
PUBLIC = "brighton-2027-03-24-public.json"
REVISED = "brighton-2027-03-24-standard-revised.json"
MONDAY = "brighton-2027-03-29-public.json"
WEDNESDAY = date(2027, 3, 24)

#: Every URN of the Wednesday list, once (one is in both sessions, two share a hearing).
WEDNESDAY_URNS = {
    "47BR0412326",
    "47BR0398826",
    "47BR0398926",
    "47BR0440126",
    "47BR0377126",
    "47BR0421726",
    "47BR0356426",
    "47BR0433026",
    "47BR0415526",
    "47BR0345126",
    "47BR0429326",
}
#: The revised list moves this one (Court 2 at 14:00 to Court 3 at 14:30) ...
MOVED_URN = "47BR0356426"
#: ... and drops this one (Court 3 at 10:30).
DROPPED_URN = "47BR0433026"
#: Every defendant's and respondent's surname in the samples.
SURNAMES = [
    "Threlkeld",
    "Moffatt-Quayle",
    "Gastineau",
    "Venkataraman-Hale",
    "Lindqvist",
    "Abernethy-Vance",
    "Adebayo-Frost",
    "Culpepper",
    "Pickersgill",
    "Stavridis",
    "Wolstenholme",
    "Tregothnan",
    "Fairweather-Gill",
    "Marchbank",
]


def content_date(headers: dict[str, str]) -> date:
    return date.fromisoformat(headers["x-content-date"][:10])


def read_sample(court, name, *, document=None, **overrides):
    """Read the sample `name` for `court` as its push would deliver it (its headers)."""
    headers = samples.headers(name)
    arguments = {
        "court": court,
        "list_type": headers["x-list-type"],
        "content_date": content_date(headers),
        "document": samples.document(name) if document is None else document,
        "language": headers["x-language"],
        "provenance": headers["x-provenance"],
        "sensitivity": headers["x-sensitivity"],
    }
    return court_list_read(**(arguments | overrides))


@pytest.fixture
def brighton(db):
    """Brighton Magistrates' Court, whose lists CaTH publishes as location 1823; changes wait
    for staff (the default policy)."""
    return CourtFactory(
        code="brighton-mc", name="Brighton Magistrates' Court", cath_location_id="1823"
    )


@pytest.fixture
def brighton_applies(brighton):
    """The same court, with its list changes applied as soon as a list is read."""
    brighton.list_changes = ListChangesPolicy.APPLY
    brighton.save()
    return brighton
