"""What the authorization matrix sends (matrix_rows.py names a body in its last column): JSON
for the API, a form elsewhere, and for the Twilio webhooks how it is signed."""

from __future__ import annotations

from dataclasses import dataclass

from court_lists import samples as court_list_samples

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
    file: str | None = None  # to the API, a file as the body instead of JSON (data is then {})
    content_type: str = "application/json"  # the file's type


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
    # What an admin sets of a force: the language its witnesses take when they have not said.
    "witness_language_default": Body({"default_witness_language": "en_cy"}),
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
    # The court's side of the live link: what a court user may PATCH (and only that).
    "video_link": Body({"video_room": "3051", "video_pin": "4821"}),
    "new_period": Body(
        {
            "starts_at": "2027-04-19T00:00:00+01:00",
            "ends_at": "2027-04-24T00:00:00+01:00",
            "reason": "annual_leave",
            "note": "Booked in January",
        }
    ),
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
    # Dates to avoid imported from files: an officer's roster with a day's leave, and a
    # force's CSV with its header alone (collar numbers differ from run to run).
    "roster": Body(
        {},
        file="BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Matrix//EN\r\nBEGIN:VEVENT\r\n"
        "UID:matrix-leave\r\nSUMMARY:Annual leave\r\nDTSTART;VALUE=DATE:20270426\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        content_type="text/calendar",
    ),
    "force_csv": Body(
        {}, file="collar_number,starts_at,ends_at,reason,note\n", content_type="text/csv"
    ),
    # A court's list as CaTH pushes it: the side's court (whose CaTH location id is its id).
    "court_list": Body(
        court_list_samples.document("brighton-2027-03-24-public.json"),
        headers=court_list_samples.headers("brighton-2027-03-24-public.json")
        | {"x-court-id": "{court}"},
    ),
}
