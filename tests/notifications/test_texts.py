from django.conf import settings
from bookings.models import Booking
from notifications import texts
from notifications.models import Kind
from tests.factories import SuiteFactory, london
from evidence_suites.models import Suite


def test_proto(db):
    for name in ["Brighton Police Station", "Bognor Regis Community Centre and Police Office, Rooms 1 & 2"[:60], "Chichester Vidéo Suite — Room 2", "Ystafell Fideo Llŷs Caerdydd — Ystafell Gyfarfod Ł"]:
        s = Suite(name=name, turnaround_minutes=15, contact_phone="")
        b = Booking(suite=s, starts_at=london(2027,3,24,10), ends_at=london(2027,3,24,13))
        for kind in Kind.values:
            body = texts.sms_text(b, kind).body
            full = body.replace(texts.LINK_PLACEHOLDER, settings.PUBLIC_BASE_URL + "/w/" + "x"*22 + "/")
            print(len(name), kind, len(full), texts.segments(full), repr(full))
    assert 0
