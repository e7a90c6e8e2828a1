"""factory_boy factories: realistic defaults, one place to build test data."""

from datetime import datetime, time
from decimal import Decimal

import factory

from accounts.models import Role, User
from bookings.models import Court, Hearing, HearingType, Witness, WitnessType
from core.clock import LONDON
from evidence_suites.models import Force, OpeningHours, Suite


def london(year, month, day, hour=10, minute=0) -> datetime:
    """A Europe/London wall-clock time as an aware datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("code",)

    code = "sussex"
    name = factory.LazyAttribute(lambda o: f"{o.code.title()} Police")


class SuiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suite
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"suite-{n}")
    name = factory.Sequence(lambda n: f"Suite {n}")
    force = factory.SubFactory(ForceFactory)
    address = "John Street, Brighton"
    postcode = "BN2 0LA"
    latitude = Decimal("50.82250")
    longitude = Decimal("-0.13720")
    capacity = 2
    turnaround_minutes = 15

    @factory.post_generation
    def weekdays(self, create, extracted, **kwargs):
        """Open Monday to Friday 08:30–17:30 unless `weekdays=[...]` says otherwise."""
        if not create:
            return
        days = range(5) if extracted is None else extracted
        OpeningHours.objects.bulk_create(
            OpeningHours(suite=self, weekday=d, opens=time(8, 30), closes=time(17, 30))
            for d in days
        )


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court

    code = factory.Sequence(lambda n: f"court-{n}")
    name = factory.Sequence(lambda n: f"Court {n} Magistrates' Court")
    address = "Edward Street, Brighton"
    postcode = "BN2 0LG"
    latitude = Decimal("50.82190")
    longitude = Decimal("-0.13410")


class HearingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hearing

    court = factory.SubFactory(CourtFactory)
    case_reference = factory.Sequence(lambda n: f"47SS{n:07d}23")
    hearing_type = HearingType.TRIAL
    courtroom = "Court 1"
    starts_at = factory.LazyFunction(lambda: london(2027, 3, 24, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at.replace(hour=13))


class WitnessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Witness

    full_name = factory.Sequence(lambda n: f"Officer Number{n}")
    witness_type = WitnessType.POLICE_OFFICER
    force = factory.SubFactory(ForceFactory)
    collar_number = factory.Sequence(lambda n: f"{4000 + n}")
    phone = factory.Sequence(lambda n: f"+447700900{n % 1000:03d}")
    email = factory.Sequence(lambda n: f"officer{n}@sussex.police.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.SCHEDULER
    force = factory.SubFactory(ForceFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


def api_token_for(user: User) -> str:
    """An API token for `user`, as `POST /api/v1/auth/token/` gives one (hashed at rest), but
    without an expiry: tests stand the clock on days of their own choosing, and a token made
    at the real time would have expired there. Expiry is tested in tests/accounts/test_tokens.py.
    """
    from knox.models import AuthToken

    return AuthToken.objects.create(user=user, expiry=None)[1]
