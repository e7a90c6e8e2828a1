"""The parties the demo's court lists name, as a standard list names them: a prosecutor and a
defendant with forenames, surname, date of birth, address, ASN, PNC id and offences.

All invented, and drawn from a generator seeded with the case's URN, so each version of a list
names the same people. The service reads them only to check the list's shape and keeps none of
them (tests/demo/test_demo_court_lists.py searches the database for them after reading).
Surnames are unusual on purpose: none is a demo witness's, a suite's or a street's, so a search
for one finds only a leak.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from . import data

FORENAMES = {
    "MALE": ["Declan", "Callum", "Rhys", "Kieran", "Stefan", "Dominic", "Jordan", "Nathaniel"],
    "FEMALE": ["Bethany", "Courtney", "Roxanne", "Tamsin", "Demi", "Leanne", "Ellis", "Kerys"],
}
SURNAMES = [
    "Quennell-Ashby",
    "Trevannion",
    "Pargeter-Lowe",
    "Ockenden",
    "Winterbourne-Shaw",
    "Castellane",
    "Merriweather-Dunn",
    "Thistlewood",
    "Ravensdale-Pike",
    "Oyelaran-Mutch",
    "Brackenbury",
    "Fennimore-Hale",
    "Gillingwater",
    "Kettleborough",
    "Lathbury-Voss",
    "Dymchurch-Eade",
]
#: Streets and towns a defendant lives in, by the force area of the court.
ADDRESSES = {
    "sussex": [
        ("Coleridge Street", "Hove", "BN3 5AB"),
        ("Tidy Street", "Brighton", "BN1 4EL"),
        ("Lyndhurst Road", "Worthing", "BN11 2DB"),
        ("Ifield Drive", "Crawley", "RH11 0EQ"),
        ("Priory Road", "Hastings", "TN34 3JE"),
    ],
    "kent": [("Tonbridge Road", "Maidstone", "ME16 8SL"), ("Boxley Road", "Maidstone", "ME14 2AR")],
    "surrey": [("Kingston Road", "Staines-upon-Thames", "TW18 4LN")],
    "gwent": [("Caerleon Road", "Newport", "NP19 7BZ"), ("Commercial Road", "Newport", "NP20 2PS")],
}
#: The prosecutor's office by force area: its address lines and town.
PROSECUTORS = {
    "sussex": (["Sussex Area", "City Gates", "185 Dyke Road"], "Hove"),
    "kent": (["Kent Area", "Priory Gate", "29 Union Street"], "Maidstone"),
    "surrey": (["Surrey Area", "Artillery House", "Artillery Road"], "Guildford"),
    "gwent": (["Cymru-Wales Area", "Capital Tower", "Greyfriars Road"], "Cardiff"),
}
#: An offence's title and its wording (the town goes in `{town}`, the day in `{day}`).
OFFENCES = [
    ("Assault by beating", "On {day} at {town} assaulted a member of the public by beating."),
    (
        "Assault an emergency worker by beating",
        "On {day} at {town} assaulted an emergency worker acting in the exercise of functions "
        "as such, by beating.",
    ),
    ("Theft from a shop", "On {day} at {town} stole goods to the value of £184.50 from a shop."),
    ("Criminal damage", "On {day} at {town} without lawful excuse damaged a shop window."),
    (
        "Using threatening words or behaviour",
        "On {day} at {town} used threatening words and behaviour likely to cause harassment, "
        "alarm or distress.",
    ),
    (
        "Possess a bladed article in a public place",
        "On {day} at {town} had with him in a public place a lock knife without good reason.",
    ),
    ("Drive whilst disqualified", "On {day} at {town} drove a motor car whilst disqualified."),
]
#: The plea a hearing of each kind has on the list (none yet at a first hearing).
PLEAS = {"trial": "NOT_GUILTY", "newton_hearing": "GUILTY", "sentencing": "GUILTY"}


def parties(urn: str, *, force: str, hearing_type: str, day: date) -> list[dict[str, Any]]:
    """The prosecutor and the defendant of case `urn`, as the standard list names them."""
    rng = random.Random(f"{data.SEED}:parties:{urn}")
    office, office_town = PROSECUTORS[force]
    street, town, postcode = rng.choice(ADDRESSES[force])
    gender = rng.choice(list(FORENAMES))
    born = date(day.year - rng.randint(19, 58), rng.randint(1, 12), rng.randint(1, 28))
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    first_arrest = min(born.year + 18 + rng.randint(0, 10), day.year)
    offence_day = day - timedelta(days=rng.randint(60, 240))
    offences = []
    for title, wording in rng.sample(OFFENCES, rng.choice([1, 1, 2])):
        offence = {
            "offenceTitle": title,
            "offenceWording": wording.format(day=f"{offence_day:%d/%m/%Y}", town=town),
        }
        if hearing_type in PLEAS:
            offence["plea"] = PLEAS[hearing_type]
        offences.append(offence)
    return [
        {
            "partyRole": "PROSECUTING_AUTHORITY",
            "organisationDetails": {
                "organisationName": "Crown Prosecution Service",
                "organisationAddress": {"line": office, "town": office_town},
            },
        },
        {
            "partyRole": "DEFENDANT",
            "individualDetails": {
                "individualForenames": rng.choice(FORENAMES[gender]),
                "individualMiddleName": rng.choice(FORENAMES[gender]),
                "individualSurname": rng.choice(SURNAMES),
                "dateOfBirth": f"{born:%d/%m/%Y}",
                "age": age,
                "gender": gender,
                "asn": f"{day:%y}01{urn[2:4]}01{rng.randint(10**8, 10**9 - 1)}X",
                "pncId": f"{first_arrest}/{rng.randint(10**6, 10**7 - 1)}K",
                "address": {
                    "line": [f"Flat {rng.randint(1, 9)}", f"{rng.randint(2, 140)} {street}"],
                    "town": town,
                    "postCode": postcode,
                },
            },
            "offence": offences,
        },
    ]
