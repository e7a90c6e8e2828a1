"""The benchmark's reference data, loaded first: the forces, their suites (with opening hours)
and courts, each force's witnesses, an admin and a scheduler per force (with API tokens), and
the suites' closures, over the availability search and in the past."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import psycopg

from core.clock import LONDON

from .copying import copy_dicts, move_sequences
from .environment import SIZES
from .grid import (
    COURTS_PER_FORCE,
    FORCES,
    SLOTS,
    TURNAROUNDS,
    WITNESSES_PER_FORCE,
    Suite,
    World,
    weekdays,
)

TOWNS = (
    "Brighton",
    "Crawley",
    "Worthing",
    "Hastings",
    "Eastbourne",
    "Horsham",
    "Lewes",
    "Bognor",
    "Chichester",
    "Haywards Heath",
    "Burgess Hill",
    "Littlehampton",
    "Shoreham",
    "Seaford",
    "Uckfield",
    "Hove",
    "Bexhill",
    "Newhaven",
    "Peacehaven",
    "Midhurst",
)
FIRST_NAMES = (
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Farhan",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kiran",
    "Laura",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Priya",
    "Rhys",
    "Sophie",
    "Tom",
    "Zara",
)
LAST_NAMES = (
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "O'Brien",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Wright",
)


def _periods(n: int) -> tuple:
    weekdays_open = range(5)
    if n % 20 in (17, 18):  # closed on Wednesdays
        weekdays_open = (0, 1, 3, 4)
    kind = n % 20
    if kind in (14, 15, 16):
        daily = [(time(9), time(17))]
    elif kind == 19:  # shut for lunch
        daily = [(time(8), time(12, 15)), (time(13, 15), time(18))]
    else:
        daily = [(time(8), time(18))]
    periods = [(w, o, c) for w in weekdays_open for o, c in daily]
    if n % 10 == 3:
        periods.append((5, time(9), time(13)))
    return tuple(periods)


def load_reference_data(conn: psycopg.Connection, now: datetime) -> World:
    world = World(now=now, today=now.astimezone(LONDON).date())
    rng = random.Random(1)
    forces, suites, hours, courts = [], [], [], []
    for n, (code, name, _lat, _lon) in enumerate(FORCES, start=1):
        # #18's language: the model's default (English), as for every force outside Wales.
        forces.append(
            {"id": n, "code": f"bench-{code}", "name": name, "default_witness_language": "en"}
        )
        world.forces.append(n)
    for n in range(SIZES.suites):
        force, number = n % len(FORCES), n // len(FORCES)
        code, _name, lat, lon = FORCES[force]
        suite = Suite(
            id=n + 1,
            force=force,
            number=number,
            turnaround=TURNAROUNDS[n % len(TURNAROUNDS)],
            periods=_periods(n),
            is_active=n % 40 != 39,
            latitude=round(lat + rng.uniform(-0.35, 0.35), 5),
            longitude=round(lon + rng.uniform(-0.5, 0.5), 5),
        )
        world.suites.append(suite)
        town = TOWNS[number % len(TOWNS)]
        suites.append(
            {
                "id": suite.id,
                "code": f"{code}-{number + 1:02d}",
                "name": f"{town} video suite {number + 1}",
                "name_cy": "",
                "force_id": force + 1,
                "address": f"{number + 1} Station Road\n{town}",
                "postcode": f"BN{number % 9 + 1} 1AA",
                "latitude": suite.latitude,
                "longitude": suite.longitude,
                "capacity": 2 + n % 3,
                "is_active": suite.is_active,
                "location_confidential": n % 25 == 7,
                "turnaround_minutes": suite.turnaround,
                "kit_notes": "CVP, document camera",
                "accessibility_notes": "Step-free access",
                "contact_phone": "01632 960123",
                "contact_email": f"suite-{n + 1}@{code}.police.example",
                "video_platform": "",  # #17's dial-in details: none, the model's default
                "video_endpoint": "",
                "created_at": now,
                "updated_at": now,
            }
        )
        for weekday, opens, closes in suite.periods:
            hours.append(
                {
                    "id": len(hours) + 1,
                    "suite_id": suite.id,
                    "weekday": weekday,
                    "opens": opens,
                    "closes": closes,
                }
            )
    for force, (code, _name, lat, lon) in enumerate(FORCES):
        world.courts.append([])
        for c in range(COURTS_PER_FORCE):
            town = TOWNS[(force * 7 + c) % len(TOWNS)]
            courts.append(
                {
                    "id": len(courts) + 1,
                    "code": f"{code}-mc-{c + 1}",
                    "name": f"{town} Magistrates' Court",
                    "name_cy": "",
                    "address": f"The Law Courts\n{town}",
                    "postcode": "BN1 1AA",
                    "latitude": round(lat + 0.05 * c, 5),
                    "longitude": round(lon - 0.05 * c, 5),
                    "contact_email": f"listing@{code}-{c + 1}.courts.example",
                    "contact_phone": "",
                    "list_changes": "propose",  # the model's default: staff apply each change
                    "updated_at": now,
                }
            )
            world.courts[force].append(len(courts))
    # The busy court whose feed is fetched takes no hearings but the ones given to it.
    world.feed_court = world.courts[0].pop(0)

    with conn.transaction():
        copy_dicts(conn, "evidence_suites_force", forces)
        copy_dicts(conn, "evidence_suites_suite", suites)
        copy_dicts(conn, "evidence_suites_openinghours", hours)
        copy_dicts(conn, "bookings_court", courts)
        _load_witnesses(conn, world, now, rng)
        _load_users(conn, world, now)
        _load_closures(conn, world, now)
        move_sequences(
            conn,
            [
                "evidence_suites_force",
                "evidence_suites_suite",
                "evidence_suites_openinghours",
                "bookings_court",
                "bookings_witness",
                "accounts_user",
                "evidence_suites_closure",
            ],
        )
    return world


def _witness_type(n: int) -> str:
    """Seven in ten are police officers; then civilians, vulnerable witnesses and experts."""
    kind = n % 10
    if kind < 7:
        return "police_officer"
    if kind < 9:
        return "civilian"
    return "vulnerable" if n % 20 == 9 else "expert"


def _load_witnesses(conn, world: World, now: datetime, rng: random.Random) -> None:
    rows = []
    for force, (code, *_rest) in enumerate(FORCES):
        world.witnesses.append([])
        for n in range(WITNESSES_PER_FORCE):
            witness_id = len(rows) + 1
            first = FIRST_NAMES[(n + force) % len(FIRST_NAMES)]
            last = LAST_NAMES[(n // len(FIRST_NAMES) + 3 * force) % len(LAST_NAMES)]
            witness_type = _witness_type(n)
            officer = witness_type == "police_officer"
            if officer:
                email = f"{first}.{last}.{n}@{code}.police.example".lower().replace("'", "")
            else:
                email = f"{first}{n}@mail.example".lower() if n % 3 == 0 else ""
            rows.append(
                {
                    "id": witness_id,
                    "full_name": f"{first} {last}",
                    "witness_type": witness_type,
                    "force_id": force + 1,
                    "collar_number": f"{code[:2].upper()}{1000 + n}" if officer else "",
                    # Ofcom's drama range: never a real phone.
                    "phone": f"+447700900{witness_id % 1000:03d}",
                    "email": email,
                    "sms_opt_out": False,
                    "language": "en",  # their force's default
                    "anonymised_at": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            world.witnesses[force].append(witness_id)
    rng.shuffle(rows)  # ids stay as given; only the physical order is mixed
    copy_dicts(conn, "bookings_witness", rows)


def _load_users(conn, world: World, now: datetime) -> None:
    """An admin, and a scheduler for each force, each with an API token (knox's: only its hash
    is stored, and it expires as a sign-in's would, long after the benchmark ends)."""
    from knox.models import get_digest_token
    from knox.settings import CONSTANTS, knox_settings

    users = [("bench-admin", "admin", None)] + [
        (f"bench-scheduler-{code}", "scheduler", n + 1) for n, (code, *_rest) in enumerate(FORCES)
    ]
    rows, tokens = [], []
    for user_id, (username, role, force_id) in enumerate(users, start=1):
        rows.append(
            {
                "id": user_id,
                "password": "!",  # unusable: the benchmark signs in with tokens
                "is_superuser": False,
                "username": username,
                "first_name": "",
                "last_name": "",
                "email": "",
                "is_staff": False,
                "is_active": True,
                "date_joined": now,
                "role": role,
                "force_id": force_id,
            }
        )
        digest, token = get_digest_token()
        tokens.append(
            {
                "digest": digest,
                "token_key": token[: CONSTANTS.TOKEN_KEY_LENGTH],
                "user_id": user_id,
                "created": now,
                "expiry": now + knox_settings.TOKEN_TTL,
                "token": token,  # kept by the benchmark, never stored
            }
        )
    world.admin = (1, tokens[0]["token"])
    world.schedulers = [(token["user_id"], token["token"]) for token in tokens[1:]]
    copy_dicts(conn, "accounts_user", rows)
    copy_dicts(
        conn, "knox_authtoken", [{k: v for k, v in t.items() if k != "token"} for t in tokens]
    )


def _load_closures(conn, world: World, now: datetime) -> None:
    """Some suites closed over the availability search; a few refurbishments in the past."""
    world.search_day = next(
        d for d in (world.today + timedelta(days=5 + i) for i in range(7)) if d.weekday() == 2
    )
    rows = []

    def closure(suite: Suite, starts: datetime, ends: datetime, reason: str) -> None:
        rows.append(
            {
                "id": len(rows) + 1,
                "suite_id": suite.id,
                "starts_at": starts,
                "ends_at": ends,
                "reason": reason,
                "created_at": now,
            }
        )

    for n, suite in enumerate(world.suites[::23]):
        starts = datetime.combine(world.search_day, time(10), tzinfo=LONDON)
        closure(suite, starts, starts + timedelta(hours=3), "Kit being repaired")
        for slot in (1, 2):  # the closure overlaps these two slots
            world.closed.add((suite.id, world.search_day, slot))
        past = datetime.combine(world.today - timedelta(days=400 + 30 * n), time(8), tzinfo=LONDON)
        closure(suite, past, past + timedelta(days=5), "Refurbishment")
        for day in weekdays(past.date(), past.date() + timedelta(days=5)):
            for slot in range(len(SLOTS)):
                world.closed.add((suite.id, day, slot))
    copy_dicts(conn, "evidence_suites_closure", rows)
