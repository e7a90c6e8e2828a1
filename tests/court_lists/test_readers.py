"""Reading a published list: a document that breaks the format is refused with the path of
every fault; a good one gives the service only the courtrooms, sitting starts, hearing types
and URNs, never anything about the parties."""

import copy
from datetime import UTC, date, datetime

import pytest

from bookings.models import HearingType
from core.errors import DomainError
from court_lists import samples
from court_lists.readers import READERS, ListFormatError, reader_for
from court_lists.readers.magistrates import hearing_type_from_list

from .conftest import MONDAY, PUBLIC, REVISED, STANDARD, SURNAMES, WEDNESDAY, WEDNESDAY_URNS

ROOM_1_SITTING = "courtLists[0].courtHouse.courtRoom[1].session[0].sittings[0]"


def standard():
    return samples.document(STANDARD)


def read(document, list_type="MAGISTRATES_STANDARD_LIST", day=WEDNESDAY):
    return reader_for(list_type).read(document, content_date=day)


def refusal(document, **kwargs) -> ListFormatError:
    with pytest.raises(ListFormatError) as refused:
        read(document, **kwargs)
    assert refused.value.code == "invalid_court_list"
    assert refused.value.status_code == 400
    return refused.value


@pytest.mark.parametrize("name", [STANDARD, PUBLIC, REVISED, MONDAY])
def test_every_sample_reads_as_its_list_type(name):
    headers = samples.headers(name)
    day = date.fromisoformat(headers["x-content-date"][:10])

    content = read(samples.document(name), headers["x-list-type"], day)

    assert content.list_type == headers["x-list-type"]
    assert content.listings
    assert all(row.starts_at.tzinfo is UTC for row in content.listings)


def test_a_list_gives_each_case_in_each_sitting_with_its_courtroom_start_and_type():
    content = read(standard())

    assert content.published_at == datetime(2027, 3, 23, 16, 45, tzinfo=UTC)
    assert content.version == "1.0"
    assert {row.case_reference for row in content.listings} == WEDNESDAY_URNS
    # a hearing with two cases is two listings in one sitting
    two_cases = [
        row for row in content.listings if row.case_reference in {"47BR0398826", "47BR0398926"}
    ]
    assert {(row.starts_at, row.courtroom) for row in two_cases} == {
        (datetime(2027, 3, 24, 11, 30, tzinfo=UTC), "Court 1")
    }
    # the trial that continues after lunch is in both sittings
    trial = sorted(
        row.starts_at.hour for row in content.listings if row.case_reference == "47BR0412326"
    )
    assert trial == [10, 14]
    # the hearing with only an application (no URN) is not one the service follows
    assert len(content.listings) == 12


def test_what_a_reader_returns_holds_nothing_about_the_parties():
    for list_type, name in [
        ("MAGISTRATES_STANDARD_LIST", STANDARD),
        ("MAGISTRATES_PUBLIC_LIST", PUBLIC),
    ]:
        text = repr(read(samples.document(name), list_type))
        for private in [*SURNAMES, "14/07/1991", "Hanover Terrace", "BN2 9SN", "2019/0412263K"]:
            assert private not in text
        assert "2601BR0100000412326X" not in text and "NOT_GUILTY" not in text
        assert "Assault" not in text


def test_the_public_and_the_standard_list_of_one_day_keep_the_same():
    assert (
        read(standard()).digest == read(samples.document(PUBLIC), "MAGISTRATES_PUBLIC_LIST").digest
    )
    assert read(standard()).digest != read(samples.document(REVISED)).digest


def test_a_sitting_start_without_its_utc_z_is_refused_at_its_path():
    document = standard()
    document["courtLists"][0]["courtHouse"]["courtRoom"][1]["session"][0]["sittings"][0][
        "sittingStart"
    ] = "2027-03-24T10:00:00"

    fault = refusal(document)

    assert fault.fields == {
        f"{ROOM_1_SITTING}.sittingStart": [
            "Must be a UTC time ending in Z, e.g. 2027-03-29T09:30:00Z."
        ]
    }


def test_every_fault_is_named_not_only_the_first():
    document = standard()
    room = document["courtLists"][0]["courtHouse"]["courtRoom"]
    del room[0]["session"][1]["sittings"][0]["sittingStart"]
    room[1]["session"][0]["sittings"][0]["hearing"][1]["case"][0]["caseUrn"] = "47/BR 0421726"
    room[2]["courtRoomName"] = ""
    document["document"]["publicationDate"] = "2027-02-30T16:45:00Z"  # no 30 February
    del document["venue"]

    fault = refusal(document)

    assert fault.fields == {
        "courtLists[0].courtHouse.courtRoom[0].session[1].sittings[0].sittingStart": ["Required."],
        f"{ROOM_1_SITTING}.hearing[1].case[0].caseUrn": [
            "A URN is letters and digits, at most 20, e.g. 47AB1234523."
        ],
        "courtLists[0].courtHouse.courtRoom[2].courtRoomName": [
            "A courtroom's name, 1 to 30 characters."
        ],
        "document.publicationDate": ["Must be a UTC time ending in Z, e.g. 2027-03-29T09:30:00Z."],
        "venue": ["Required."],
    }
    assert fault.detail == "The list does not follow the published format: 5 faults."


def test_a_fault_in_a_partys_details_names_the_place_and_the_rule_never_the_value():
    document = standard()
    defendant = document["courtLists"][0]["courtHouse"]["courtRoom"][0]["session"][0]["sittings"][
        0
    ]["hearing"][0]["case"][0]["party"][1]
    defendant["individualDetails"]["individualSurname"] = ["Threlkeld"]
    defendant["individualDetails"]["dateOfBirth"] = 19910714
    defendant["offence"][0] = "Assault an emergency worker by beating"

    fault = refusal(document)

    party = (
        "courtLists[0].courtHouse.courtRoom[0].session[0].sittings[0].hearing[0].case[0].party[1]"
    )
    assert fault.fields == {
        f"{party}.individualDetails.individualSurname": ["Must be text."],
        f"{party}.individualDetails.dateOfBirth": ["Must be text."],
        f"{party}.offence[0]": ["Must be an object."],
    }
    told = f"{fault.detail} {fault.fields} {fault}"
    for value in ["Threlkeld", "19910714", "Assault"]:
        assert value not in told


def test_the_public_list_does_not_ask_for_the_standard_lists_party_details():
    document = samples.document(PUBLIC)
    defendant = document["courtLists"][0]["courtHouse"]["courtRoom"][0]["session"][0]["sittings"][
        0
    ]["hearing"][0]["case"][0]["party"][1]
    defendant["individualDetails"]["dateOfBirth"] = 19910714  # not in the public list's format

    assert read(document, "MAGISTRATES_PUBLIC_LIST").listings
    with pytest.raises(ListFormatError):
        read(document, "MAGISTRATES_STANDARD_LIST")


def test_a_sitting_on_another_day_than_the_lists_is_refused_at_its_path():
    document = standard()
    sitting = document["courtLists"][0]["courtHouse"]["courtRoom"][1]["session"][0]["sittings"][0]
    sitting["sittingStart"] = "2027-03-25T10:00:00Z"

    fault = refusal(document)

    assert fault.fields == {
        f"{ROOM_1_SITTING}.sittingStart": ["Not on the list's day (2027-03-24, London time)."]
    }


def test_a_sitting_just_after_midnight_in_summer_is_on_the_london_day():
    """23:30Z on Sunday 28 March 2027 is 00:30 on Monday in London (BST)."""
    document = samples.document(MONDAY)
    sitting = document["courtLists"][0]["courtHouse"]["courtRoom"][0]["session"][0]["sittings"][0]
    sitting["sittingStart"] = "2027-03-28T23:30:00Z"

    content = read(document, "MAGISTRATES_PUBLIC_LIST", date(2027, 3, 29))

    assert min(row.starts_at for row in content.listings) == datetime(
        2027, 3, 28, 23, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("document", [[], "a list", None, 42])
def test_a_document_that_is_not_an_object_is_refused_as_a_whole(document):
    assert refusal(document).fields == {"non_field_errors": ["Must be an object."]}


def test_a_document_missing_everything_names_each_required_part():
    assert refusal({}).fields == {
        "document": ["Required."],
        "venue": ["Required."],
        "courtLists": ["Required."],
    }


def test_an_unknown_list_type_is_refused():
    with pytest.raises(DomainError) as refused:
        reader_for("CROWN_DAILY_LIST")
    assert refused.value.code == "unknown_list_type"
    assert refused.value.status_code == 400
    assert set(READERS) == {"MAGISTRATES_STANDARD_LIST", "MAGISTRATES_PUBLIC_LIST"}


def test_many_faults_are_counted_and_the_places_listed_are_capped():
    document = standard()
    sitting = document["courtLists"][0]["courtHouse"]["courtRoom"][0]["session"][0]["sittings"][0]
    sitting["hearing"] = [{"case": [{"caseUrn": "bad urn"}]} for _ in range(250)]

    fault = refusal(copy.deepcopy(document))

    assert len(fault.fields) == 200
    assert fault.detail == (
        "The list does not follow the published format: 250 faults (200 places listed)."
    )


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("Trial", HearingType.TRIAL),
        ("First Hearing", HearingType.FIRST_HEARING),
        ("Pre-Trial Review", HearingType.CASE_MANAGEMENT),
        ("Plea and Trial Preparation Hearing", HearingType.CASE_MANAGEMENT),
        ("Mention", HearingType.CASE_MANAGEMENT),
        ("Sentence", HearingType.SENTENCING),
        ("Newton Hearing", HearingType.NEWTON_HEARING),
        ("Appeal against conviction", HearingType.APPEAL),
        ("Application", HearingType.OTHER),
        (None, HearingType.OTHER),
    ],
)
def test_the_lists_words_for_a_hearing_become_the_services(words, kind):
    assert hearing_type_from_list(words) == kind


def test_a_version_with_control_characters_is_refused():
    document = standard()
    document["document"]["version"] = "2.0\x1b[31m"

    assert refusal(document).fields == {
        "document.version": ["A version, at most 40 characters, no control characters."]
    }
