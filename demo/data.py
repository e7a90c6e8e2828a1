"""The rows `manage.py seed_demo` loads: forces, suites, courts, witnesses and demo users, and
the shape of a day's list (sittings, phases, hearing types).

Places are real (Sussex's live-link rooms were in these towns' police stations); addresses,
postcodes and coordinates are close enough for a demo, not for navigation. People are invented.
Gwent, a force in Wales, writes to its witnesses in both languages, Welsh first, unless they
have said (issue 18); its court and suite have Welsh names, awaiting review by a Welsh speaker
like the catalogue (docs/welsh.md).
Phone numbers are in Ofcom's ranges for drama (mobiles 07700 900000-900999, landlines
01632 960000-960999) and every email domain ends in `.example`, so nothing here reaches anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

SEED = 20270328
DEMO_PASSWORD = "evidence-demo-2027"

FORCES = [
    # code, name, the language a witness who has not said is written to in
    ("sussex", "Sussex Police", "en"),
    ("surrey", "Surrey Police", "en"),
    ("kent", "Kent Police", "en"),
    ("gwent", "Gwent Police", "en_cy"),
]

WEEKDAYS = (0, 1, 2, 3, 4)
OFFICE_HOURS = (time(8, 30), time(17, 30))
SATURDAY_MORNING = (time(9, 0), time(12, 30))

STANDARD_KIT = "CVP endpoint, 55in screen, PTZ camera, boundary microphone"


@dataclass(frozen=True)
class SuiteRow:
    code: str
    force: str
    name: str
    address: str
    postcode: str
    latitude: str
    longitude: str
    capacity: int
    turnaround_minutes: int
    kit_notes: str
    accessibility_notes: str
    contact_phone: str
    location_confidential: bool = False
    saturday_morning: bool = False
    name_cy: str = ""


SUITES = [
    SuiteRow(
        code="brighton-john-street",
        force="sussex",
        name="Brighton Live Link Suite (John Street)",
        address="John Street Police Station, John Street, Brighton",
        postcode="BN2 0LA",
        latitude="50.82310",
        longitude="-0.13350",
        capacity=4,
        turnaround_minutes=15,
        kit_notes=f"{STANDARD_KIT}, document camera, second screen for exhibits",
        accessibility_notes="Step-free entrance on John Street; accessible toilet; hearing loop.",
        contact_phone="01632 960101",
        saturday_morning=True,
    ),
    SuiteRow(
        code="worthing",
        force="sussex",
        name="Worthing Live Link Suite",
        address="Worthing Police Station, Chatsworth Road, Worthing",
        postcode="BN11 1LY",
        latitude="50.81480",
        longitude="-0.37270",
        capacity=3,
        turnaround_minutes=15,
        kit_notes=f"{STANDARD_KIT}, document camera",
        accessibility_notes="Ramp at the side entrance; lift to the first-floor suite.",
        contact_phone="01632 960102",
    ),
    SuiteRow(
        code="crawley",
        force="sussex",
        name="Crawley Live Link Suite",
        address="Crawley Police Station, Northgate Avenue, Crawley",
        postcode="RH10 8BF",
        latitude="51.11790",
        longitude="-0.18620",
        capacity=3,
        turnaround_minutes=20,
        kit_notes=STANDARD_KIT,
        accessibility_notes="Ground-floor suite; accessible toilet next door.",
        contact_phone="01632 960103",
    ),
    SuiteRow(
        code="eastbourne",
        force="sussex",
        name="Eastbourne Live Link Suite",
        address="Eastbourne Police Station, Grove Road, Eastbourne",
        postcode="BN21 4UF",
        latitude="50.76750",
        longitude="0.27970",
        capacity=2,
        turnaround_minutes=15,
        kit_notes=f"{STANDARD_KIT}, document camera",
        accessibility_notes=(
            "Lift to the second floor; ask at the front counter for the hearing loop."
        ),
        contact_phone="01632 960104",
    ),
    SuiteRow(
        code="hastings",
        force="sussex",
        name="Hastings Live Link Suite",
        address="Hastings Police Station, Bohemia Road, Hastings",
        postcode="TN34 1JL",
        latitude="50.86000",
        longitude="0.57050",
        capacity=2,
        turnaround_minutes=30,
        kit_notes=STANDARD_KIT,
        accessibility_notes="Step-free from the rear car park; accessible toilet.",
        contact_phone="01632 960105",
    ),
    SuiteRow(
        code="chichester",
        force="sussex",
        name="Chichester Live Link Suite",
        address="Chichester Police Station, Kingsham Road, Chichester",
        postcode="PO19 8AD",
        latitude="50.83100",
        longitude="-0.77650",
        capacity=2,
        turnaround_minutes=20,
        kit_notes=STANDARD_KIT,
        accessibility_notes="Ground-floor suite; two reserved blue-badge bays.",
        contact_phone="01632 960106",
    ),
    SuiteRow(
        code="horsham",
        force="sussex",
        name="Horsham Live Link Suite",
        address="Horsham Police Station, Hurst Road, Horsham",
        postcode="RH12 2DJ",
        latitude="51.06800",
        longitude="-0.32400",
        capacity=2,
        turnaround_minutes=15,
        kit_notes=STANDARD_KIT,
        accessibility_notes="Lift to the first floor; hearing loop.",
        contact_phone="01632 960107",
    ),
    SuiteRow(
        code="lewes",
        force="sussex",
        name="Lewes Live Link Suite",
        address="Lewes Police Station, West Street, Lewes",
        postcode="BN7 2NZ",
        latitude="50.87350",
        longitude="0.00830",
        capacity=3,
        turnaround_minutes=25,
        kit_notes=f"{STANDARD_KIT}, document camera",
        accessibility_notes="Step-free entrance; the suite is on the ground floor.",
        contact_phone="01632 960108",
    ),
    SuiteRow(
        code="hove-witness-suite",
        force="sussex",
        name="Sussex Witness Suite (Hove)",
        address="Unit 3, Community Hub, Portland Road, Hove",
        postcode="BN3 5DR",
        latitude="50.83200",
        longitude="-0.18500",
        capacity=4,
        turnaround_minutes=30,
        kit_notes=f"{STANDARD_KIT}, soft seating, screen for a supporter, intermediary's headset",
        accessibility_notes=(
            "Step-free; quiet waiting room; separate entrance so witnesses do not meet "
            "defendants' families."
        ),
        contact_phone="01632 960109",
        location_confidential=True,
    ),
    SuiteRow(
        code="guildford",
        force="surrey",
        name="Guildford Live Link Suite",
        address="Guildford Police Station, Margaret Road, Guildford",
        postcode="GU1 4QS",
        latitude="51.23900",
        longitude="-0.57500",
        capacity=3,
        turnaround_minutes=15,
        kit_notes=f"{STANDARD_KIT}, document camera",
        accessibility_notes="Step-free entrance on Margaret Road; accessible toilet.",
        contact_phone="01632 960110",
    ),
    SuiteRow(
        code="maidstone",
        force="kent",
        name="Maidstone Live Link Suite",
        address="Maidstone Police Station, Palace Avenue, Maidstone",
        postcode="ME15 6NF",
        latitude="51.27200",
        longitude="0.52300",
        capacity=3,
        turnaround_minutes=20,
        kit_notes=STANDARD_KIT,
        accessibility_notes="Lift to the first floor; hearing loop.",
        contact_phone="01632 960111",
    ),
    SuiteRow(
        code="newport-central",
        force="gwent",
        name="Newport Central Police Station",
        name_cy="Gorsaf Heddlu Ganolog Casnewydd",
        address="Newport Central Police Station, Cardiff Road, Newport",
        postcode="NP20 2EH",
        latitude="51.57900",
        longitude="-2.99800",
        capacity=2,
        turnaround_minutes=15,
        kit_notes=f"{STANDARD_KIT}, document camera",
        accessibility_notes="Step-free entrance on Cardiff Road; accessible toilet; hearing loop.",
        contact_phone="01632 960118",
    ),
]

#: The suite closed in the coming fortnight, how many working days ahead, and why.
CLOSURE = ("eastbourne", 4, "CVP kit upgrade")


@dataclass(frozen=True)
class CourtRow:
    code: str
    force: str  # the force area: whose witnesses mostly give evidence there
    name: str
    address: str
    postcode: str
    latitude: str
    longitude: str
    contact_email: str
    contact_phone: str
    urn_prefix: str  # the police force area's two digits in a URN
    cath_location_id: str  # the number CaTH publishes the court's daily lists under
    list_changes: str = "propose"  # what a list's changes do: wait for staff, or "apply"
    name_cy: str = ""  # its name in Welsh text


COURTS = [
    CourtRow(
        code="brighton-mc",
        force="sussex",
        name="Brighton Magistrates' Court",
        address="Edward Street, Brighton",
        postcode="BN2 0LG",
        latitude="50.82220",
        longitude="-0.13290",
        contact_email="brighton.mc@justice.example",
        contact_phone="01632 960112",
        urn_prefix="47",
        cath_location_id="1823",
        list_changes="apply",
    ),
    CourtRow(
        code="worthing-mc",
        force="sussex",
        name="Worthing Magistrates' Court",
        address="Christchurch Road, Worthing",
        postcode="BN11 1JD",
        latitude="50.81550",
        longitude="-0.37350",
        contact_email="worthing.mc@justice.example",
        contact_phone="01632 960113",
        urn_prefix="47",
        cath_location_id="1847",
    ),
    CourtRow(
        code="crawley-mc",
        force="sussex",
        name="Crawley Magistrates' Court",
        address="Woodfield Road, Crawley",
        postcode="RH10 8BF",
        latitude="51.11840",
        longitude="-0.18760",
        contact_email="crawley.mc@justice.example",
        contact_phone="01632 960114",
        urn_prefix="47",
        cath_location_id="1812",
    ),
    CourtRow(
        code="hastings-mc",
        force="sussex",
        name="Hastings Magistrates' Court",
        address="Horntye Park, Bohemia Road, Hastings",
        postcode="TN34 1ND",
        latitude="50.86410",
        longitude="0.56710",
        contact_email="hastings.mc@justice.example",
        contact_phone="01632 960115",
        urn_prefix="47",
        cath_location_id="1835",
    ),
    CourtRow(
        code="maidstone-mc",
        force="kent",
        name="Maidstone Magistrates' Court",
        address="Palace Avenue, Maidstone",
        postcode="ME15 6LL",
        latitude="51.27250",
        longitude="0.52350",
        contact_email="maidstone.mc@justice.example",
        contact_phone="01632 960116",
        urn_prefix="46",
        cath_location_id="1290",
    ),
    CourtRow(
        code="staines-mc",
        force="surrey",
        name="Staines Magistrates' Court",
        address="The Law Courts, Knowle Green, Staines-upon-Thames",
        postcode="TW18 1XH",
        latitude="51.43300",
        longitude="-0.50900",
        contact_email="staines.mc@justice.example",
        contact_phone="01632 960117",
        urn_prefix="45",
        cath_location_id="1411",
    ),
    CourtRow(
        code="newport-mc",
        force="gwent",
        name="Newport (South Wales) Magistrates' Court",
        name_cy="Llys Ynadon Casnewydd",
        address="Faulkner Road, Newport",
        postcode="NP20 4PR",
        latitude="51.58930",
        longitude="-2.99770",
        contact_email="newport.mc@justice.example",
        contact_phone="01632 960119",
        urn_prefix="61",
        cath_location_id="1560",
    ),
]

#: How busy each Sussex court's list of live-link hearings is, relative to the others.
SUSSEX_COURT_WEIGHTS = {"brighton-mc": 4, "worthing-mc": 2, "crawley-mc": 2, "hastings-mc": 2}

#: Two letters in a URN: the station or unit that charged the case.
URN_UNITS = {
    "sussex": ["BH", "WG", "CY", "HS", "EB", "CX", "HM", "LW"],
    "kent": ["KM", "KT", "KF"],
    "surrey": ["SG", "SS", "SW"],
    "gwent": ["NC", "CW"],
}

#: Court sittings (Europe/London): witnesses are phased into a morning or an afternoon.
MORNING = (time(10, 0), time(13, 0))
AFTERNOON = (time(14, 0), time(16, 30))

#: Windows inside each sitting that a phased witness may be booked for, preferred first.
PHASES = {
    MORNING: [
        (time(10, 0), time(11, 30)),
        (time(11, 30), time(13, 0)),
        (time(10, 0), time(11, 0)),
        (time(12, 0), time(13, 0)),
    ],
    AFTERNOON: [
        (time(14, 0), time(15, 15)),
        (time(15, 15), time(16, 30)),
        (time(14, 0), time(15, 0)),
        (time(15, 30), time(16, 30)),
    ],
}

#: Types of hearing at which witnesses give evidence, with how often they come up.
EVIDENCE_HEARING_TYPES = [("trial", 14), ("newton_hearing", 2), ("appeal", 1)]
#: Hearings on the list with nobody booked (court users see a realistic list).
OTHER_HEARING_TYPES = ["first_hearing", "case_management", "sentencing"]

VACATED_REASON = "Defendant pleaded guilty at a previous hearing"
CANCELLED_REASON = "Officer warned for a Crown Court trial the same day; will attend in person"


@dataclass(frozen=True)
class WitnessRow:
    full_name: str
    witness_type: str
    force: str
    phone_suffix: int  # +447700900xxx
    collar_number: str = ""
    email: str = ""
    interpreter_language: str = ""
    language: str = ""  # blank: they have not said, so their force's default


def _officer(name: str, collar: str, force: str, suffix: int) -> WitnessRow:
    first, *_, last = name.lower().replace("'", "").split()
    return WitnessRow(
        name, "police_officer", force, suffix, collar, f"{first}.{last}@{force}.police.example"
    )


WITNESSES = [
    _officer("Daniel Okafor", "PC 1234", "sussex", 101),
    _officer("Priya Sharma", "DC 4521", "sussex", 102),
    _officer("Tom Hughes", "PS 905", "sussex", 103),
    _officer("Aisha Rahman", "PC 2876", "sussex", 104),
    _officer("Liam O'Connor", "PC 1597", "sussex", 105),
    _officer("Magdalena Nowak", "DC 3310", "sussex", 106),
    _officer("James Whitfield", "PC 2042", "sussex", 107),
    _officer("Chloe Barnes", "PC 1768", "sussex", 108),
    _officer("Kwame Mensah", "DS 1432", "sussex", 109),
    _officer("Sophie Turner", "PC 2515", "sussex", 110),
    _officer("Marcus Bennett", "PC 1189", "sussex", 111),
    _officer("Hannah Clarke", "DC 3877", "sussex", 112),
    _officer("Ravi Patel", "PC 2290", "sussex", 113),
    _officer("Emily Thornton", "PC 1653", "sussex", 114),
    _officer("Joseph Adeyemi", "PC 2731", "sussex", 115),
    _officer("Rebecca Lloyd", "PS 718", "sussex", 116),
    _officer("Gareth Evans", "PC 11402", "kent", 117),
    _officer("Fatima Hussain", "DC 12088", "kent", 118),
    _officer("Oliver Grant", "PC 2614", "surrey", 119),
    _officer("Megan Chen", "PC 3057", "surrey", 120),
    WitnessRow("Margaret Collins", "civilian", "sussex", 201),
    WitnessRow("Tomasz Kowalski", "civilian", "sussex", 202, interpreter_language="Polish"),
    WitnessRow("Ahmed Hassan", "civilian", "sussex", 203, interpreter_language="Arabic"),
    WitnessRow("Jade Williams", "civilian", "sussex", 204, email="jade.williams@mail.example"),
    WitnessRow("Peter Fairbrother", "civilian", "sussex", 205),
    WitnessRow("Ana Ferreira", "civilian", "sussex", 206, interpreter_language="Portuguese"),
    WitnessRow("Ioana Popescu", "civilian", "sussex", 207, interpreter_language="Romanian"),
    WitnessRow("Kevin Doyle", "civilian", "sussex", 208),
    WitnessRow("Lily Ashworth", "vulnerable", "sussex", 301),
    WitnessRow("Grace Mwangi", "vulnerable", "sussex", 302),
    WitnessRow("Dr Helen Marsh", "expert", "sussex", 401, email="helen.marsh@forensics.example"),
    # Gwent: a witness who asked for Welsh, and an officer who has not said (both languages).
    WitnessRow("Siân Pritchard", "civilian", "gwent", 209, language="cy"),
    _officer("Rhys Morgan", "PC 3318", "gwent", 121),
]

#: Gwent's trial at Newport on the next working day, with both Gwent witnesses booked into the
#: Newport suite (each gets a confirmation text as the demo starts): the court, the suite, the
#: URN's unit, the courtroom, the sitting, and each witness's window in it.
WELSH_TRIAL = (
    "newport-mc",
    "newport-central",
    "NC",
    "Court 2",
    (time(10, 0), time(13, 0)),
    [("Siân Pritchard", time(10, 0), time(11, 30)), ("Rhys Morgan", time(12, 0), time(13, 0))],
)


@dataclass(frozen=True)
class UserRow:
    username: str
    role: str
    force: str | None = None
    court: str | None = None
    email: str = ""


USERS = [
    UserRow("admin", "admin", email="admin@evidence-suites.example"),
    UserRow(
        "sussex.scheduler", "scheduler", force="sussex", email="scheduling@sussex.police.example"
    ),
    UserRow("kent.scheduler", "scheduler", force="kent", email="scheduling@kent.police.example"),
    UserRow("gwent.scheduler", "scheduler", force="gwent", email="scheduling@gwent.police.example"),
    UserRow("sussex.suites", "suite_manager", force="sussex", email="suites@sussex.police.example"),
    UserRow(
        "brighton.court", "court_user", court="brighton-mc", email="brighton.mc@justice.example"
    ),
]

DOCS_URL = "http://127.0.0.1:8000/api/docs/"
ADMIN_URL = "http://127.0.0.1:8000/admin/"
