"""A list's parties never reach the service's records: after every sample list is read and
followed (hearings created, moved, vacated, witnesses stood down), no defendant's surname is
anywhere in the database, in any statement sent to it, or in any log line; a refusal of a
list with a fault in a party's details does not repeat them either."""

import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Hearing
from court_lists import samples
from court_lists.readers import ListFormatError
from tests.helpers import book, every_value

from .conftest import (
    DROPPED_URN,
    MONDAY,
    MOVED_URN,
    PUBLIC,
    REVISED,
    STANDARD,
    SURNAMES,
    read_sample,
)

pytestmark = pytest.mark.django_db

PRIVATE = [
    *SURNAMES,
    "Declan",  # a forename
    "14/07/1991",  # a date of birth
    "Hanover Terrace",  # an address
    "BN2 9SN",
    "2601BR0100000412326X",  # an ASN
    "2019/0412263K",  # a PNC id
    "emergency worker",  # an offence
    "NOT_GUILTY",  # a plea
]


def found_in(texts, terms=PRIVATE):
    return [
        (term, text) for text in texts for term in terms if term.casefold() in str(text).casefold()
    ]


@pytest.mark.parametrize("court_fixture", ["brighton", "brighton_applies"])
def test_no_partys_details_are_kept_logged_or_sent_to_the_database(
    request,
    clock,
    court_fixture,
    suite,
    officer,
    other_officer,
    caplog,
    django_capture_on_commit_callbacks,
    fake_twilio,
):
    court = request.getfixturevalue(court_fixture)
    caplog.set_level(logging.DEBUG)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        read_sample(court, PUBLIC)
        read_sample(court, STANDARD)
        read_sample(court, MONDAY)
        if Hearing.objects.filter(case_reference=MOVED_URN).exists():
            for urn, witness in [(MOVED_URN, officer), (DROPPED_URN, other_officer)]:
                book(Hearing.objects.get(case_reference=urn), witness, suite)
        read_sample(court, REVISED)
        read_sample(court, STANDARD)  # superseded

    assert Hearing.objects.exists() == (court_fixture == "brighton_applies")
    assert found_in(value for _, _, value in every_value()) == []
    assert found_in(query["sql"] for query in queries.captured_queries) == []
    assert found_in(record.getMessage() for record in caplog.records) == []
    assert found_in(message["body"] for message in fake_twilio.messages()) == []
    assert any("Court list read" in record.getMessage() for record in caplog.records)


def test_a_refusal_for_a_fault_in_a_partys_details_repeats_none_of_them(clock, brighton, caplog):
    caplog.set_level(logging.DEBUG)
    document = samples.document(STANDARD)
    defendant = document["courtLists"][0]["courtHouse"]["courtRoom"][0]["session"][0]["sittings"][
        0
    ]["hearing"][0]["case"][0]["party"][1]
    defendant["individualDetails"]["address"] = "12 Hanover Terrace, Brighton BN2 9SN"
    defendant["individualDetails"]["individualSurname"] = {"surname": "Threlkeld"}
    defendant["offence"][0]["plea"] = ["NOT_GUILTY"]

    with pytest.raises(ListFormatError) as refused:
        read_sample(brighton, STANDARD, document=document)

    told = json.dumps(refused.value.as_dict()) + str(refused.value)
    assert found_in([told]) == []
    assert len(refused.value.fields) == 3
    assert found_in(record.getMessage() for record in caplog.records) == []
    assert found_in(value for _, _, value in every_value()) == []
