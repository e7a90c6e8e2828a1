"""Who may do what, endpoint by endpoint: every API route, every staff page, the calendar
feeds, the witness page and the Twilio webhooks, asked by every role about an object in their
scope and one outside it (API.md, "Users and roles"; DOMAIN.md, "Privacy").

The expectations are the tables below, one line per endpoint, one column per role. A cell is
one status, or `in|out`: the status for an object in the caller's scope, then for one outside
it. The rules the tables follow:

- anonymous: the API says 401, a staff page sends them to /sign-in/;
- an object the caller may not see is a 404, exactly as if it did not exist;
- an action the caller's role may not take on an object they may see is a 403 (the API checks
  the role before it looks for the object, so a role that may never take an action gets a 403
  whatever the object, which tells nothing; the pages look first, then check the role);
- a body that refers to an object the caller may not use is a 400 naming the field;
- the feeds and the witness page answer only to a live token (404 otherwise), the webhooks
  only to a valid X-Twilio-Signature (403 otherwise), whoever is signed in.

Besides the status: every 4xx from /api/ is in the one error shape, and a refused write
(any 4xx to a POST, PATCH, PUT or DELETE) changes nothing.

Two sides of data: force A (Sussex) with court X (Brighton), force B (Kent) with court Y
(Maidstone). Each side has a suite, a spare suite (never booked, so deletable), a closure, a
listed hearing with one booking (the side's officer at the side's suite) and a free hearing
later that day, and an attention flag. "In scope" is the caller's own side (an admin's is A;
for them both are in scope), "outside" the other side. Calendar feed tokens are in scope for
the user who made them. The clock stands at 09:45 on the hearings' day, so a booking can be
checked in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from knox.models import AuthToken
from twilio.request_validator import RequestValidator

from accounts.models import Role
from bookings import services
from bookings.models import (
    AttentionFlag,
    AttentionKind,
    Booking,
    Court,
    FeedToken,
    Hearing,
    Witness,
)
from court_lists import samples as court_list_samples
from court_lists.compare import Slot
from court_lists.models import ChangeKind, CourtList, ListChange, ReadOutcome
from evidence_suites.models import Closure, Force, OpeningHours, Suite
from notifications.links import token_hash, witness_link_issue
from notifications.models import Channel, InboundSms, Kind, Message, SmsOptOut, Status, WitnessLink
from reports.models import Assumption
from tests.factories import (
    CourtFactory,
    ForceFactory,
    HearingFactory,
    SuiteFactory,
    UserFactory,
    WitnessFactory,
    api_token_for,
    london,
)
from tests.security.conftest import module_data

ROLES = (
    "anonymous",
    "admin",
    "scheduler_a",
    "scheduler_b",
    "suite_manager_a",
    "court_user_x",
    "court_user_y",
)
ROLE_WORDS = {
    "anonymous": "anonymous",
    "admin": "an admin",
    "scheduler_a": "a scheduler of force A",
    "scheduler_b": "a scheduler of force B",
    "suite_manager_a": "a suite manager of force A",
    "court_user_x": "a court user of court X",
    "court_user_y": "a court user of court Y",
}
HOME_SIDE = {
    "anonymous": "A",
    "admin": "A",
    "scheduler_a": "A",
    "scheduler_b": "B",
    "suite_manager_a": "A",
    "court_user_x": "A",
    "court_user_y": "B",
}

# --- The matrix -------------------------------------------------------------------------------

# fmt: off
API = """
# method path                                            anon admin sch-A    sch-B    sm-A     court-X  court-Y  body
POST   /api/v1/auth/token/                               200  200   200      200      200      200      200      own_credentials
POST   /api/v1/auth/token/                               400  400   400      400      400      400      400      wrong_password
DELETE /api/v1/auth/token/                               401  204   204      204      204      204      204
GET    /api/v1/me/                                       401  200   200      200      200      200      200
GET    /api/v1/forces/                                   401  200   200      200      200      200      200
GET    /api/v1/forces/{force}/                           401  200   200      200      200      200      200
POST   /api/v1/forces/                                   401  201   403      403      403      403      403      new_force
GET    /api/v1/courts/                                   401  200   200      200      200      200      200
GET    /api/v1/courts/{court}/                           401  200   200      200      200      200      200
POST   /api/v1/courts/                                   401  201   403      403      403      403      403      new_court
PATCH  /api/v1/courts/{court}/                           401  200   403      403      403      403      403      list_policy
GET    /api/v1/court-lists/                              401  200   200      200      200      200      200
GET    /api/v1/court-lists/{court_list}/                 401  200   200      200      200      200|404  200|404
POST   /api/v1/court-lists/                              401  201   403      403      403      201|403  201|403  court_list
GET    /api/v1/list-changes/                             401  200   200      200      200      200      200
GET    /api/v1/list-changes/{list_change}/               401  200   200      200      200      200|404  200|404
POST   /api/v1/list-changes/{list_change}/apply/         401  200   200|409  200|409  403      200|404  200|404
POST   /api/v1/list-changes/{list_change}/dismiss/       401  200   200|409  200|409  403      200|404  200|404
GET    /api/v1/suites/                                   401  200   200      200      200      200      200
GET    /api/v1/suites/{suite}/                           401  200   200      200      200      200      200
POST   /api/v1/suites/                                   401  201   403      403      201|400  403      403      new_suite
PATCH  /api/v1/suites/{suite}/                           401  200   403      403      200|403  403      403      rename
DELETE /api/v1/suites/{spare_suite}/                     401  204   403      403      204|403  403      403
GET    /api/v1/suites/{suite}/closures/                  401  200   200      200      200      200      200
POST   /api/v1/suites/{suite}/closures/                  401  201   403      403      201|403  403      403      new_closure
GET    /api/v1/suites/{suite}/closures/{closure}/        401  200   200      200      200      200      200
DELETE /api/v1/suites/{suite}/closures/{closure}/        401  204   403      403      204|403  403      403
GET    /api/v1/availability/?{availability_query}        401  200   200      200      200      200      200
GET    /api/v1/hearings/                                 401  200   200      200      200      200      200
GET    /api/v1/hearings/{hearing}/                       401  200   200      200      200      200|404  200|404
POST   /api/v1/hearings/                                 401  201   201      201      403      201|400  201|400  new_hearing
PATCH  /api/v1/hearings/{hearing}/                       401  200   200|409  200|409  403      200|404  200|404  courtroom
POST   /api/v1/hearings/{hearing}/vacate/                401  200   200|409  200|409  403      200|404  200|404  reason
POST   /api/v1/hearings/{hearing}/relist/                401  200   200|409  200|409  403      200|404  200|404  next_day
GET    /api/v1/witnesses/                                401  200   200      200      200      200      200
GET    /api/v1/witnesses/{witness}/                      401  200   200|404  200|404  404      404      404
POST   /api/v1/witnesses/                                401  201   201|400  201|400  403      403      403      new_witness
PATCH  /api/v1/witnesses/{witness}/                      401  200   200|404  200|404  403      403      403      rename_witness
GET    /api/v1/bookings/                                 401  200   200      200      200      200      200
POST   /api/v1/bookings/                                 401  201   201|400  201|400  403      403      403      new_booking
GET    /api/v1/bookings/{booking}/                       401  200   200|404  200|404  200|404  200|404  200|404
PATCH  /api/v1/bookings/{booking}/                       401  200   200|404  200|404  403      403      403      notes
PUT    /api/v1/bookings/{booking}/                       401  405   405      405      403      403      403      notes
POST   /api/v1/bookings/{booking}/cancel/                401  200   200|404  200|404  403      403      403      reason
POST   /api/v1/bookings/{booking}/check-in/              401  200   200|404  200|404  200|404  403      403      empty
POST   /api/v1/bookings/{booking}/complete/              401  200   200|404  200|404  200|404  403      403      not_required
GET    /api/v1/bookings/{booking}/history/               401  200   200|404  200|404  200|404  200|404  200|404
GET    /api/v1/bookings/{booking}/notifications/         401  200   200|404  200|404  200|404  200|404  200|404
GET    /api/v1/attention/                                401  200   200      200      200      200      200
POST   /api/v1/attention/{flag}/resolve/                 401  204   204|404  204|404  403      403      403
GET    /api/v1/feed-tokens/                              401  200   200      200      200      200      200
GET    /api/v1/feed-tokens/{feed_token}/                 401  200   200|404  200|404  200|404  200|404  200|404
POST   /api/v1/feed-tokens/                              401  201   201|400  201|400  201|400  400      400      suite_feed
POST   /api/v1/feed-tokens/                              401  201   201|400  201|400  400      400      400      officer_feed
POST   /api/v1/feed-tokens/                              401  201   400      400      400      201|400  201|400  court_feed
DELETE /api/v1/feed-tokens/{feed_token}/                 401  204   204|404  204|404  204|404  204|404  204|404
GET    /api/v1/report-assumptions/                       401  200   200      200      200      200      200
PATCH  /api/v1/report-assumptions/{assumption}/          401  200   403      403      403      403      403      value
GET    /api/v1/reports/hours-saved/?{report_query}       401  200   200      200      200      200      200
GET    /api/v1/reports/hours-saved/?{report_query}&format=csv  401  200  200  200   200      200      200
GET    /api/v1/reports/management-information/?{report_query}  401  200  200  200   200      200      200
GET    /api/schema/                                      200  200   200      200      200      200      200
GET    /api/docs/                                        200  200   200      200      200      200      200
GET    /api/v1/no-such-thing/                            404  404   404      404      404      404      404
POST   /api/v1/no-such-thing/                            404  404   404      404      404      404      404      empty
"""  # noqa: E501 (a table: one line per endpoint, one column per role)

PAGES = """
# method path                                            anon admin sch-A    sch-B    sm-A     court-X  court-Y  body
GET    /                                                 302  200   200      200      200      200      200
GET    /book/                                            302  200   200      200      403      403      403
POST   /book/                                            302  400   400      400      403      403      403      empty
GET    /book/suite/                                      302  302   302      302      403      403      403
GET    /book/confirm/                                    302  302   302      302      403      403      403
POST   /book/confirm/                                    302  302   302      302      403      403      403      empty
GET    /bookings/{booking}/                              302  200   200|404  200|404  200|404  200|404  200|404
POST   /bookings/{booking}/reschedule/                   302  400   400|404  400|404  403|404  403|404  403|404  empty
POST   /bookings/{booking}/cancel/                       302  400   400|404  400|404  403|404  403|404  403|404  empty
POST   /bookings/{booking}/check-in/                     302  400   400|404  400|404  400|404  403|404  403|404  empty
POST   /bookings/{booking}/outcome/                      302  400   400|404  400|404  400|404  403|404  403|404  empty
POST   /bookings/{booking}/attention/{flag}/resolve/     302  302   302|404  302|404  403|404  403|404  403|404  empty
GET    /suites/                                          302  200   200      200      200      200      200
GET    /suites/{suite}/                                  302  200   200      200      200      200      200
GET    /suites/{suite}/hours/                            302  200   403      403      200|403  403      403
POST   /suites/{suite}/hours/                            302  200   403      403      200|403  403      403      empty
GET    /suites/{suite}/closures/                         302  200   200      200      200      200      200
POST   /suites/{suite}/closures/                         302  200   403      403      200|403  403      403      empty
GET    /suites/{suite}/closures/{closure}/remove/        302  200   403      403      200|403  403      403
POST   /suites/{suite}/closures/{closure}/remove/        302  302   403      403      302|403  403      403      empty
GET    /hearings/                                        302  200   200      200      200      200      200
GET    /hearings/{hearing}/                              302  200   200      200      200      200|404  200|404
GET    /hearings/{hearing}/vacate/                       302  200   200|409  200|409  403      200|404  200|404
POST   /hearings/{hearing}/vacate/                       302  200   200|409  200|409  403      200|404  200|404  empty
GET    /hearings/{hearing}/relist/                       302  200   200|409  200|409  403      200|404  200|404
POST   /hearings/{hearing}/relist/                       302  200   200|409  200|409  403      200|404  200|404  empty
GET    /court-lists/                                     302  200   200      200      403      302      302
GET    /court-lists/{court}/                             302  200   200      200      403      200|404  200|404
GET    /court-lists/{court}/settings/                    302  200   403      403      403      403|404  403|404
POST   /court-lists/{court}/settings/                    302  200   403      403      403      403|404  403|404  empty
GET    /court-lists/{court}/changes/                     302  200   200      200      403      200|404  200|404
GET    /court-lists/{court}/changes/{list_change}/apply/  302  200  200|409  200|409  403      200|404  200|404
POST   /court-lists/{court}/changes/{list_change}/apply/  302  302  302|409  302|409  403      302|404  302|404  empty
POST   /court-lists/{court}/changes/{list_change}/dismiss/  302  302  302|409  302|409  403    302|404  302|404  empty
GET    /witnesses/                                       302  200   200      200      404      404      404
GET    /witnesses/{witness}/                             302  200   200|404  200|404  404      404      404
GET    /calendar-feeds/                                  302  200   200      200      200      200      200
GET    /calendar-feeds/{feed_token}/revoke/              302  200   200|404  200|404  200|404  200|404  200|404
POST   /calendar-feeds/{feed_token}/revoke/              302  302   302|404  302|404  302|404  302|404  302|404  empty
GET    /reports/                                         302  200   200      200      200      200      200
GET    /audit/                                           302  200   404      404      404      404      404
GET    /audit/?format=csv                                302  200   404      404      404      404      404
"""  # noqa: E501 (a table: one line per endpoint, one column per role)

# The token in the address is the only key: a staff session changes nothing.
PUBLIC = """
# method path                                            anon admin sch-A    sch-B    sm-A     court-X  court-Y  body
GET    /feeds/{feed_secret}.ics                          200  200   200      200      200      200      200
GET    /feeds/?token={feed_secret}                       200  200   200      200      200      200      200
GET    /feeds/{revoked_feed_secret}.ics                  404  404   404      404      404      404      404
GET    /feeds/{unknown_secret}.ics                       404  404   404      404      404      404      404
GET    /feeds/?token={unknown_secret}                    404  404   404      404      404      404      404
GET    /feeds/                                           404  404   404      404      404      404      404
GET    /healthz                                          200  200   200      200      200      200      200
GET    /readyz                                           200  200   200      200      200      200      200
GET    /sign-in/                                         200  302   302      302      302      302      302
POST   /sign-in/                                         200  302   302      302      302      302      302      wrong_password
GET    /sign-out/                                        405  405   405      405      405      405      405
POST   /sign-out/                                        302  302   302      302      302      302      302      empty
GET    /admin/login/                                     200  200   200      200      200      200      200
POST   /admin/login/                                     200  200   200      200      200      200      200      wrong_password
GET    /w/{witness_link}/                                200  200   200      200      200      200      200
POST   /w/{witness_link}/                                302  302   302      302      302      302      302      attend
GET    /w/{expired_witness_link}/                        404  404   404      404      404      404      404
GET    /w/{unknown_secret}/                              404  404   404      404      404      404      404
POST   /w/{unknown_secret}/                              404  404   404      404      404      404      404      attend
POST   /webhooks/twilio/status/?message={message}        403  403   403      403      403      403      403      receipt_unsigned
POST   /webhooks/twilio/status/?message={message}        403  403   403      403      403      403      403      receipt_forged
POST   /webhooks/twilio/status/?message={message}        204  204   204      204      204      204      204      receipt_signed
GET    /webhooks/twilio/status/                          405  405   405      405      405      405      405
POST   /webhooks/twilio/inbound/                         403  403   403      403      403      403      403      text_unsigned
POST   /webhooks/twilio/inbound/                         403  403   403      403      403      403      403      text_forged
POST   /webhooks/twilio/inbound/                         200  200   200      200      200      200      200      text_signed
"""  # noqa: E501 (a table: one line per endpoint, one column per role)
# fmt: on

# Cases that fail today because of a bug in the app, with the bug they show: (method, path,
# role or "*") -> bug. Strict, so each one turns red the moment the bug is fixed (then delete
# its line here).
CSRF_404 = (
    "Bug: a POST, PATCH or DELETE to an unknown /api/ path gets Django's CSRF 403 HTML page, "
    "not a 404 in the error shape (core/errors.py: json_404 is not csrf_exempt)"
)
CSV_ERRORS = (
    "Bug: with format=csv the hours-saved report renders its errors as CSV, not the JSON "
    "error shape (reports/api.py HoursSavedView, reports/renderers.py)"
)
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}

# --- Request bodies ---------------------------------------------------------------------------

PASSWORD = "correct-horse-battery"
ACCOUNT_SID = "AC" + "5e" * 16
AUTH_TOKEN = "security-matrix-auth-token"
PROVIDER_ID = "SM" + "5e" * 16


@dataclass(frozen=True)
class Body:
    """What is sent: JSON for the API, a form elsewhere; for the webhooks, how it is signed."""

    data: dict
    signature: str | None = None  # None: no header; "valid"; "forged" (another auth token)
    headers: dict | None = None  # HTTP headers sent with it (placeholders resolved)


# What Twilio posts: a delivery receipt for the witness's confirmation text, a reply from them.
RECEIPT = {"MessageSid": PROVIDER_ID, "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID}
INBOUND_TEXT = {
    "MessageSid": "SM" + "7a" * 16,
    "From": "{phone}",
    "Body": "YES",
    "AccountSid": ACCOUNT_SID,
}

BODIES = {
    "empty": Body({}),
    "own_credentials": Body({"username": "{username}", "password": PASSWORD}),
    "wrong_password": Body({"username": "{username}", "password": "not-the-password"}),
    "new_force": Body({"code": "surrey", "name": "Surrey Police"}),
    "new_court": Body(
        {
            "code": "guildford-mc",
            "name": "Guildford Magistrates' Court",
            "address": "Mary Road, Guildford",
            "postcode": "GU1 4PS",
            "latitude": 51.238,
            "longitude": -0.578,
        }
    ),
    "new_suite": Body(
        {
            "code": "new-suite",
            "name": "New Live Link Suite",
            "force": "{force}",
            "address": "1 High Street",
            "postcode": "BN1 1AA",
            "latitude": 50.83,
            "longitude": -0.14,
            "capacity": 2,
            "turnaround_minutes": 15,
            "is_active": True,
            "location_confidential": False,
            "opening_hours": [{"weekday": 0, "opens": "09:00", "closes": "17:00"}],
        }
    ),
    "rename": Body({"name": "Renamed Suite"}),
    "new_closure": Body(
        {
            "starts_at": "2027-03-26T08:00:00+00:00",
            "ends_at": "2027-03-26T09:00:00+00:00",
            "reason": "Boiler service",
        }
    ),
    "new_hearing": Body(
        {
            "court": "{court}",
            "case_reference": "47SS9999923",
            "hearing_type": "trial",
            "courtroom": "Court 3",
            "starts_at": "2027-03-25T10:00:00+00:00",
            "ends_at": "2027-03-25T13:00:00+00:00",
        }
    ),
    "courtroom": Body({"courtroom": "Court 2"}),
    "reason": Body({"reason": "Cracked: late guilty plea"}),
    "next_day": Body(
        {"starts_at": "2027-03-25T10:00:00+00:00", "ends_at": "2027-03-25T13:00:00+00:00"}
    ),
    "new_witness": Body(
        {"full_name": "Martha Jones", "witness_type": "civilian", "force": "{force}"}
    ),
    "rename_witness": Body({"full_name": "Someone Else"}),
    "new_booking": Body({"hearing": "{free_hearing}", "witness": "{witness}", "suite": "{suite}"}),
    "notes": Body({"notes": "Bring the pocket notebook."}),
    "not_required": Body({"outcome": "not_required"}),
    "suite_feed": Body({"scope": "suite", "object_id": "{suite}", "label": "List office"}),
    "officer_feed": Body({"scope": "witness", "object_id": "{witness}"}),
    "court_feed": Body({"scope": "court", "object_id": "{court}"}),
    "value": Body({"value": 5.0}),
    "attend": Body({"answer": "attend"}),
    "receipt_unsigned": Body(RECEIPT),
    "receipt_forged": Body(RECEIPT, signature="forged"),
    "receipt_signed": Body(RECEIPT, signature="valid"),
    "text_unsigned": Body(INBOUND_TEXT),
    "text_forged": Body(INBOUND_TEXT, signature="forged"),
    "text_signed": Body(INBOUND_TEXT, signature="valid"),
    "list_policy": Body({"list_changes": "apply"}),
    # A court's list as CaTH pushes it: the side's court (whose CaTH location id is its id).
    "court_list": Body(
        court_list_samples.document("brighton-2027-03-24-public.json"),
        headers=court_list_samples.headers("brighton-2027-03-24-public.json")
        | {"x-court-id": "{court}"},
    ),
}

# --- From the tables to test cases ------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Placeholders that name one side's object: a row using one is asked in and outside scope.
SIDED = {
    "force",
    "court",
    "suite",
    "spare_suite",
    "closure",
    "hearing",
    "free_hearing",
    "witness",
    "booking",
    "flag",
    "feed_token",
    "court_list",
    "list_change",
}
REASONS = {
    200: "OK",
    201: "created",
    204: "done",
    302: "redirected",
    400: "bad input",
    401: "not signed in",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
}


@dataclass(frozen=True)
class Case:
    method: str
    template: str
    role: str
    scope: str  # "in", "out" or "-" (no object in the request)
    expected: int
    body: str | None
    surface: str  # "api", "page" or "public"

    def sentence(self) -> str:
        where = {"in": " in their scope", "out": " outside their scope", "-": ""}[self.scope]
        sent = f" with {self.body.replace('_', ' ')}" if self.body else ""
        return (
            f"{ROLE_WORDS[self.role]} gets {self.expected} {REASONS[self.expected]} "
            f"for {self.method} {self.template}{sent}{where}"
        )


def _sided(template: str, body: str | None) -> bool:
    text = template + (
        json.dumps(BODIES[body].data) + json.dumps(BODIES[body].headers) if body else ""
    )
    return bool(SIDED & set(PLACEHOLDER.findall(text)))


def parse(table: str, surface: str) -> list[Case]:
    cases = []
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        method, template, *rest = line.split()
        cells, body = rest[: len(ROLES)], (rest[len(ROLES) :] or [None])[0]
        assert len(cells) == len(ROLES), f"A cell is missing in: {line}"
        assert body is None or body in BODIES, f"No body called {body}"
        for role, cell in zip(ROLES, cells, strict=True):
            inside, _, outside = cell.partition("|")
            if not _sided(template, body):
                assert not outside, f"{template} has no object, so no in|out: {line}"
                cases.append(Case(method, template, role, "-", int(inside), body, surface))
                continue
            for scope, status in (("in", inside), ("out", outside or inside)):
                cases.append(Case(method, template, role, scope, int(status), body, surface))
    return cases


CASES = parse(API, "api") + parse(PAGES, "page") + parse(PUBLIC, "public")


def params():
    for case in CASES:
        bug = KNOWN_BUGS.get((case.method, case.template, case.role)) or KNOWN_BUGS.get(
            (case.method, case.template, "*")
        )
        marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
        yield pytest.param(case, id=case.sentence(), marks=marks)


# --- The data: two sides, seven callers, built once for the module ------------------------------


def _side(force, court, place: str, suffix: str, phone: str) -> dict:
    suite = SuiteFactory(code=f"{place}-suite", name=f"{place.title()} Police Station", force=force)
    spare = SuiteFactory(
        code=f"{place}-spare", name=f"{place.title()} Community Centre", force=force
    )
    closure = Closure.objects.create(
        suite=suite,
        starts_at=london(2027, 3, 25, 8),
        ends_at=london(2027, 3, 25, 9),
        reason="Fire drill",
    )
    hearing = HearingFactory(court=court, case_reference=f"47{suffix}0000101")
    free_hearing = HearingFactory(
        court=court,
        case_reference=f"47{suffix}0000202",
        starts_at=london(2027, 3, 24, 14),
        ends_at=london(2027, 3, 24, 16, 30),
    )
    witness = WitnessFactory(force=force, full_name=f"Officer {place.title()}", phone=phone)
    booking = services.booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)
    flag = AttentionFlag.objects.create(
        booking=booking,
        kind=AttentionKind.WITNESS_CANNOT_ATTEND,
        detail="Replied NO to the text.",
        created_at=timezone.now(),
    )
    # The side's court publishes its lists as CaTH location id = its own id; a list read for
    # the day proposes that its booked hearing is gone.
    court.cath_location_id = str(court.pk)
    court.save()
    court_list = CourtList.objects.create(
        court=court,
        list_type="MAGISTRATES_PUBLIC_LIST",
        content_date=hearing.starts_at.date(),
        language="ENGLISH",
        provenance="COMMON_PLATFORM",
        sensitivity="PUBLIC",
        published_at=london(2027, 3, 23, 16, 45),
        digest="0" * 64,
        received_at=timezone.now(),
        outcome=ReadOutcome.PROPOSED,
    )
    list_change = ListChange.objects.create(
        court_list=court_list,
        kind=ChangeKind.MISSING,
        case_reference=hearing.case_reference,
        hearing=hearing,
        before=Slot(hearing.starts_at, hearing.courtroom).as_json(),
    )
    return {
        "court_list": court_list,
        "list_change": list_change,
        "force": force,
        "court": court,
        "suite": suite,
        "spare_suite": spare,
        "closure": closure,
        "hearing": hearing,
        "free_hearing": free_hearing,
        "witness": witness,
        "booking": booking,
        "flag": flag,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    # Hearings' day, 09:45: in time to check a witness in for 10:00.
    with (
        time_machine.travel(london(2027, 3, 24, 9, 45), tick=True),
        module_data(django_db_blocker),
    ):
        sussex = ForceFactory(code="sussex", name="Sussex Police")
        kent = ForceFactory(code="kent", name="Kent Police")
        brighton = CourtFactory(code="brighton-mc", name="Brighton Magistrates' Court")
        maidstone = CourtFactory(code="maidstone-mc", name="Maidstone Magistrates' Court")
        sides = {
            "A": _side(sussex, brighton, "brighton", "SS", "+447700900101"),
            "B": _side(kent, maidstone, "maidstone", "KE", "+447700900202"),
        }
        users = {
            "admin": UserFactory(username="admin", role=Role.ADMIN, force=None),
            "scheduler_a": UserFactory(username="sussex.scheduler", force=sussex),
            "scheduler_b": UserFactory(username="kent.scheduler", force=kent),
            "suite_manager_a": UserFactory(
                username="sussex.suites", role=Role.SUITE_MANAGER, force=sussex
            ),
            "court_user_x": UserFactory(
                username="brighton.court", role=Role.COURT_USER, force=None, court=brighton
            ),
            "court_user_y": UserFactory(
                username="maidstone.court", role=Role.COURT_USER, force=None, court=maidstone
            ),
        }
        tokens = {role: api_token_for(user) for role, user in users.items()}
        # Each user's own calendar feed token (what they may list and revoke).
        feed_tokens = {
            role: services.feed_token_create(
                actor=user,
                scope="court",
                subject=brighton if HOME_SIDE[role] == "A" else maidstone,
            )
            for role, user in users.items()
        }
        revoked = services.feed_token_create(
            actor=users["admin"], scope="suite", subject=sides["A"]["suite"]
        )
        services.feed_token_revoke(actor=users["admin"], token=revoked)

        # The witness's link, as the confirmation text carries it; and one past its expiry.
        sms = Message.objects.get(
            booking=sides["A"]["booking"], kind=Kind.CONFIRMATION, channel=Channel.SMS
        )
        Message.objects.filter(pk=sms.pk).update(status=Status.QUEUED, provider_id=PROVIDER_ID)
        witness_link = witness_link_issue(message=sms).split("/w/")[1].strip("/")
        expired = "expired-link-0000000000"
        WitnessLink.objects.create(
            booking=sides["B"]["booking"],
            token_hash=token_hash(expired),
            expires_at=timezone.now() - timedelta(days=1),
        )
        yield {
            "sides": sides,
            "users": users,
            "tokens": tokens,
            "feed_tokens": feed_tokens,
            "fixed": {
                "assumption": Assumption.objects.filter(force=None).order_by("pk").first().pk,
                # a court feed made by one who may subscribe to it (a token stops working
                # once its maker may not: bookings.feeds.token_works)
                "feed_secret": feed_tokens["court_user_x"].secret,
                "revoked_feed_secret": revoked.secret,
                "unknown_secret": "no-such-secret-000000000000",
                "witness_link": witness_link,
                "expired_witness_link": expired,
                "message": sms.pk,
                "phone": sides["A"]["witness"].phone,
                "availability_query": "starts_at=2027-03-24T14:00:00%2B00:00"
                "&ends_at=2027-03-24T15:00:00%2B00:00",
                "report_query": "from=2027-03-01&to=2027-03-31",
            },
        }


def resolve_placeholders(text: str, case: Case, world) -> str:
    home = HOME_SIDE[case.role]
    side = home if case.scope != "out" else {"A": "B", "B": "A"}[home]

    def value(match) -> str:
        name = match.group(1)
        if name == "feed_token":
            if case.scope == "out":  # made by someone on the other side
                maker = "scheduler_b" if home == "A" else "scheduler_a"
            else:
                maker = case.role if case.role != "anonymous" else "scheduler_a"
            return str(world["feed_tokens"][maker].pk)
        if name == "username":
            user = world["users"].get(case.role, world["users"]["scheduler_a"])
            return user.username
        if name in world["fixed"]:
            return str(world["fixed"][name])
        return str(world["sides"][side][name].pk)

    return PLACEHOLDER.sub(value, text)


def resolve_body(data, case: Case, world):
    """Placeholders in a body become ids (numbers in JSON) or text."""
    if isinstance(data, dict):
        return {key: resolve_body(value, case, world) for key, value in data.items()}
    if isinstance(data, list):
        return [resolve_body(value, case, world) for value in data]
    if isinstance(data, str) and PLACEHOLDER.search(data):
        text = resolve_placeholders(data, case, world)
        return int(text) if PLACEHOLDER.fullmatch(data) and text.isdigit() else text
    return data


# --- What a refused write must not change ------------------------------------------------------


def state() -> tuple:
    """Everything a refused request might have touched, as plain values."""
    return (
        list(Force.objects.order_by("pk").values_list("pk", "code", "name")),
        list(Court.objects.order_by("pk").values_list("pk", "code", "name")),
        list(
            Suite.objects.order_by("pk").values_list(
                "pk", "name", "force", "is_active", "capacity", "turnaround_minutes"
            )
        ),
        list(OpeningHours.objects.order_by("pk").values_list()),
        list(Closure.objects.order_by("pk").values_list("pk", "starts_at", "ends_at")),
        list(
            Hearing.objects.order_by("pk").values_list(
                "pk", "status", "starts_at", "ends_at", "courtroom"
            )
        ),
        list(Witness.objects.order_by("pk").values_list("pk", "full_name", "force", "phone")),
        list(
            Booking.objects.order_by("pk").values_list(
                "pk", "status", "version", "suite", "starts_at", "ends_at", "notes", "outcome"
            )
        ),
        list(AttentionFlag.objects.order_by("pk").values_list("pk", "resolved_at")),
        list(FeedToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(Assumption.objects.order_by("pk").values_list("pk", "value")),
        list(Message.objects.order_by("pk").values_list("pk", "status")),
        InboundSms.objects.count(),
        SmsOptOut.objects.count(),
        AuthToken.objects.count(),
        CourtList.objects.count(),
        list(ListChange.objects.order_by("pk").values_list("pk", "state")),
        list(Court.objects.order_by("pk").values_list("pk", "cath_location_id", "list_changes")),
    )


# --- The test ---------------------------------------------------------------------------------

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")
API_ERROR_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}


def assert_error_shape(response, case: Case) -> None:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert isinstance(body, dict), body
    assert set(body) <= {"code", "detail", "fields"}, body
    assert isinstance(body.get("code"), str) and SNAKE_CASE.match(body["code"]), body
    assert isinstance(body.get("detail"), str) and body["detail"], body
    if "fields" in body:
        assert body["fields"] and all(
            isinstance(messages, list) and all(isinstance(m, str) for m in messages)
            for messages in body["fields"].values()
        ), body
    if case.expected in API_ERROR_CODES:
        assert body["code"] == API_ERROR_CODES[case.expected], body


def client_for(case: Case, world) -> Client:
    if case.surface == "api":
        # As an API client does: a token, and CSRF checks on as in production.
        client = Client(enforce_csrf_checks=True)
        if case.role != "anonymous":
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {world['tokens'][case.role]}"
        return client
    # Staff pages as a signed-in browser (the forms' CSRF token is not what is under test).
    client = Client()
    if case.role != "anonymous":
        client.force_login(world["users"][case.role])
    return client


def send(client: Client, case: Case, world, url: str):
    body = BODIES[case.body] if case.body else None
    data = resolve_body(body.data, case, world) if body else {}
    if case.surface == "api":
        headers = {
            name: resolve_placeholders(value, case, world)
            for name, value in ((body.headers if body else None) or {}).items()
        }
        return client.generic(
            case.method,
            url,
            json.dumps(data) if body else "",
            content_type="application/json",
            headers=headers,
        )
    extra = {}
    if body and body.signature:
        token = AUTH_TOKEN if body.signature == "valid" else "not-our-auth-token"
        signed_url = django_settings.PUBLIC_BASE_URL + url
        signature = RequestValidator(token).compute_signature(signed_url, data)
        extra["HTTP_X_TWILIO_SIGNATURE"] = signature
    if case.method == "POST":
        return client.post(url, data, **extra)
    return client.generic(case.method, url, **extra)


@pytest.mark.parametrize("case", list(params()))
def test_authorization(case: Case, world, db, settings, fresh_throttles):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    url = resolve_placeholders(case.template, case, world)
    if case.surface == "page":
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            pytest.skip(f"The page {case.template} is not built yet (no such route).")
    client = client_for(case, world)
    writes = case.method not in ("GET", "HEAD", "OPTIONS")
    before = state() if writes and case.expected >= 400 else None

    response = send(client, case, world, url)

    assert response.status_code == case.expected, (
        f"{case.sentence()}: got {response.status_code} "
        f"{response.get('Content-Type')} {response.content[:300]!r}"
    )
    if url.startswith("/api/") and 400 <= response.status_code < 500:
        assert_error_shape(response, case)
    if url.startswith("/api/") and response.status_code == 400 and case.body:
        # A refused reference names the field that made it.
        referring = {
            key
            for key, value in BODIES[case.body].data.items()
            if isinstance(value, str) and set(PLACEHOLDER.findall(value)) & SIDED
        }
        if referring:
            assert referring & set(response.json().get("fields", {})), response.json()
    if case.surface == "page" and case.role == "anonymous":
        assert response["Location"].startswith("/sign-in/"), response["Location"]
    if before is not None:
        assert state() == before, f"{case.sentence()}, yet something changed"


def _shape(path: str) -> str:
    """`/api/v1/bookings/{booking}/?x` and `/api/v1/bookings/{id}/` are the same route."""
    return re.sub(r"\{\w+\}", "{}", path.split("?")[0])


def test_every_api_operation_in_the_schema_has_a_line_in_the_matrix():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method.upper(), _shape(path))
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    tabled = {(case.method, _shape(case.template)) for case in CASES if case.surface == "api"}

    assert not sorted(operations - tabled), "API operations with no line in the matrix"


def test_every_staff_page_has_a_line_in_the_matrix():
    from web.urls import urlpatterns

    routes = {
        "/" + re.sub(r"<[^>]+>", "{}", str(pattern.pattern))
        for pattern in urlpatterns
        if pattern.name not in ("sign-in", "sign-out")
    }
    tabled = {_shape(case.template) for case in CASES if case.surface == "page"}

    assert not sorted(routes - tabled), "Staff pages with no line in the matrix"
