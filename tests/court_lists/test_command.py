"""`manage.py import_court_list FILE --court ... --content-date ...`: a list read from a file as
if it had been pushed, saying what it did; a refused file changes nothing and exits non-zero
with each fault by its path."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from court_lists import samples
from court_lists.models import CourtList

from .conftest import REVISED, STANDARD
from .test_api import rows

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_court_list", *args, stdout=out)
    return out.getvalue()


def test_a_list_is_imported_and_what_it_brought_is_said(clock, brighton):
    out = run(
        str(samples.SAMPLES / STANDARD), "--court", "brighton-mc", "--content-date", "2027-03-24"
    )

    court_list = CourtList.objects.get()
    assert (court_list.provenance, court_list.list_type, court_list.outcome) == (
        "MANUAL_UPLOAD",
        "MAGISTRATES_STANDARD_LIST",
        "proposed",
    )
    lines = out.splitlines()
    assert lines[0] == (
        "Brighton Magistrates' Court: Magistrates' standard list for Wed 24 Mar 2027, "
        "published Tue 23 Mar 2027 16:45 (manual upload): proposed, 11 changes."
    )
    assert "  added    47BR0398826  Court 1, Wed 24 Mar 11:30 (proposed)" in lines


def test_a_court_is_named_by_its_cath_location_id_too_and_moves_are_said(clock, brighton_applies):
    common = ["--court", "1823", "--content-date", "2027-03-24", "--provenance", "SNL"]
    run(str(samples.SAMPLES / STANDARD), *common)

    out = run(str(samples.SAMPLES / REVISED), *common)

    assert "(SNL): applied, 2 changes." in out
    assert "  moved    47BR0356426  Court 2, Wed 24 Mar 14:00 -> Court 3, Wed 24 Mar 14:30" in out
    assert "  missing  47BR0433026  Court 3, Wed 24 Mar 10:30 (applied)" in out


def test_a_refused_file_changes_nothing_and_exits_non_zero_naming_each_fault(
    clock, brighton, tmp_path
):
    document = samples.document(STANDARD)
    room = document["courtLists"][0]["courtHouse"]["courtRoom"][2]
    del room["courtRoomName"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document))
    before = rows()

    with pytest.raises(CommandError) as refused:
        run(str(broken), "--court", "brighton-mc", "--content-date", "2027-03-24")

    assert refused.value.returncode == 1
    message = str(refused.value)
    assert "refused; nothing changed" in message
    assert "invalid_court_list" in message
    assert "  courtLists[0].courtHouse.courtRoom[2].courtRoomName: Required." in message
    assert rows() == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--court", "nowhere"], "No court has the code or CaTH location id nowhere."),
        (["--court", "brighton-mc", "--content-date", "24/03/2027"], "x-content-date"),
        (["--court", "brighton-mc", "--provenance", "hand typed"], "x-provenance"),
    ],
)
def test_a_bad_court_date_or_source_is_refused(clock, brighton, args, words):
    arguments = {"--content-date": "2027-03-24"} | dict(zip(args[::2], args[1::2], strict=True))
    before = rows()

    with pytest.raises(CommandError, match=words):
        run(str(samples.SAMPLES / STANDARD), *[part for pair in arguments.items() for part in pair])

    assert rows() == before


def test_a_file_that_is_not_json_or_not_there_is_refused(clock, brighton, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    common = ["--court", "brighton-mc", "--content-date", "2027-03-24"]

    with pytest.raises(CommandError, match="malformed_json"):
        run(str(broken), *common)
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.json"), *common)
    assert not CourtList.objects.exists()
