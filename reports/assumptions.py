"""The published figures (DOMAIN.md) the report starts from. Operators change them in the admin
(nationally or per force); these are what a new installation has."""

from decimal import Decimal

from .models import AssumptionKey, EvidenceKind

DEFAULTS = [
    {
        "key": AssumptionKey.COUNTERFACTUAL_LOW,
        "value": Decimal("3.00"),
        "unit": "hours",
        "year": 2016,
        "kind": EvidenceKind.CLAIM,
        "source": 'Hertfordshire Constabulary: "a court appearance takes three hours" '
        "(Borehamwood Times, c.2016); its live links saved 792 hours for 267 officers in "
        "Jan–Mar, 2.97 h each (measured)",
    },
    {
        "key": AssumptionKey.COUNTERFACTUAL_CENTRAL,
        "value": Decimal("5.50"),
        "unit": "hours",
        "year": 2017,
        "kind": EvidenceKind.CLAIM,
        "source": "Sussex Police and Crime Commissioner, reported by The Argus (c.2017): an "
        "officer attending court in person, called or not; Metropolitan Police 4.5 h "
        "(Police Oracle, 31 Aug 2018)",
    },
    {
        "key": AssumptionKey.COUNTERFACTUAL_HIGH,
        "value": Decimal("8.00"),
        "unit": "hours",
        "year": 2018,
        "kind": EvidenceKind.MEASURED,
        "source": "KentOnline, Maidstone Crown Court: 5 officers, 48 minutes of evidence in "
        "all, 40 hours and 290 miles saved (about 8 h each)",
    },
    {
        "key": AssumptionKey.DEFAULT_REMOTE,
        "value": Decimal("0.50"),
        "unit": "hours",
        "year": 2017,
        "kind": EvidenceKind.SETTING,
        "source": "Used when arrival or release was not recorded; evidence often lasts "
        '"maybe only 20 minutes" (Katy Bourne, Sussex PCC)',
    },
    {
        "key": AssumptionKey.COST_PER_HOUR,
        "value": Decimal("36.51"),
        "unit": "GBP per hour",
        "year": 2014,
        "kind": EvidenceKind.MODELLED,
        "source": "Home Office, written answer PQ 216460 (4 Dec 2014): full hourly cost of an "
        "officer, sergeant and below, 2014 prices (PCSO £28.90, inspector and above £58.79). "
        "Set a current figure for today's prices.",
    },
]

#: Not a figure the hours are worked out from, so not an operator's setting: what the report's
#: count of bookings on an officer's rest day means (DOMAIN.md, "Dates to avoid").
REST_DAY_OVERTIME = {
    "key": "rest_day_overrides",
    "label": "Booked on a rest day",
    "value": Decimal("4"),
    "unit": "hours at time and a half, at least",
    "source": "Police Regulations 2003, Annex G (public holidays and rest days): a constable or "
    "sergeant required to do duty on a rostered rest day at less than 15 days' notice is paid "
    "time and a half for at least 4 hours; with more notice, another rest day is owed instead "
    "(as summarised by the Police Federation)",
    "source_url": "https://nottinghamshire.polfed.org/ufaqs/"
    "will-i-get-compensation-for-duty-on-a-rostered-rest-day/",
}
