"""The calendar feeds page: staff make a secret feed address for a court, suite or officer they
may subscribe to, see it once, watch whether calendars still fetch it, and revoke it."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bookings import services
from bookings.models import FeedScope, FeedToken
from tests.factories import CourtFactory, UserFactory
from tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db

PAGE = "/calendar-feeds/"
FEED_URL = re.compile(r"http://testserver(/feeds/[A-Za-z0-9_\-]+\.ics)")


def make_feed(client, **fields):
    return client.post(PAGE, fields)


def test_a_court_user_makes_a_court_feed_and_sees_its_address_once(clock, court, court_user):
    client = signed_in(court_user)

    # given: the form offers their court only, with nothing else to choose
    form = client.get(PAGE)
    assert form.status_code == 200
    assert "Brighton Magistrates' Court" in text(form)
    assert 'name="scope" value="court"' in form.content.decode()

    # when
    response = make_feed(client, scope="court", court=court.pk, label="Court 1 clerk's Outlook")

    # then: the address is in the reply to the POST, with a copy button and a warning
    assert response.status_code == 200
    html = response.content.decode()
    addresses = FEED_URL.findall(html)
    assert len(set(addresses)) == 1
    assert "no-store" in response["Cache-Control"]
    page = text(response)
    assert "Feed address made" in page
    assert "it will not be shown again" in page
    assert 'id="copy-feed-url"' in html and "navigator.clipboard.writeText" in html
    assert "readonly" in html
    token = FeedToken.objects.get()
    assert (token.scope, token.court, token.created_by) == (FeedScope.COURT, court, court_user)
    assert token.label == "Court 1 clerk's Outlook"

    # the address works: a calendar gets the feed
    path = addresses[0]
    feed = Client().get(path)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")

    # and it is never shown again
    secret = path.removeprefix("/feeds/").removesuffix(".ics")
    listing = client.get(PAGE)
    assert secret not in listing.content.decode()
    assert "Court 1 clerk's Outlook" in text(listing)
    assert "Court: Brighton Magistrates' Court" in text(listing)


def test_the_address_is_never_in_a_redirect_or_a_get(clock, court, court_user):
    client = signed_in(court_user)

    response = make_feed(client, scope="court", court=court.pk, label="List office")

    assert response.status_code == 200  # not a redirect to a page holding the secret
    assert "Location" not in response
    secret = FEED_URL.findall(response.content.decode())[0].removeprefix("/feeds/")
    secret = secret.removesuffix(".ics")
    assert not any(secret in str(value) for value in client.session.values())


def test_reloading_the_page_with_the_address_makes_no_second_feed(clock, court, court_user):
    client = signed_in(court_user)
    form_id = re.search(r'name="form_id" value="([^"]+)"', client.get(PAGE).content.decode())[1]
    fields = {"scope": "court", "court": court.pk, "label": "List office", "form_id": form_id}

    made = client.post(PAGE, fields)
    # when: the browser sends the same form again (a reload of the reply)
    again = client.post(PAGE, fields, follow=True)

    assert made.status_code == 200 and FEED_URL.search(made.content.decode())
    assert FeedToken.objects.count() == 1
    assert again.redirect_chain == [(PAGE, 302)]
    assert "That feed was already made, and its address shown once" in text(again)
    assert not FEED_URL.search(again.content.decode())
    # a fresh copy of the form still makes another
    fresh = re.search(r'name="form_id" value="([^"]+)"', again.content.decode())[1]
    assert fresh != form_id
    assert client.post(PAGE, {**fields, "form_id": fresh}).status_code == 200
    assert FeedToken.objects.count() == 2


def test_revoking_a_feed_makes_its_address_a_404(clock, court, court_user):
    client = signed_in(court_user)
    created = make_feed(client, scope="court", court=court.pk, label="Usher's iPad")
    path = FEED_URL.findall(created.content.decode())[0]
    token = FeedToken.objects.get()

    # a confirm step first: nothing is revoked by looking
    confirm = client.get(f"/calendar-feeds/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert "Revoke this calendar feed?" in text(confirm)
    assert Client().get(path).status_code == 200

    response = client.post(f"/calendar-feeds/{token.pk}/revoke/", follow=True)

    assert response.redirect_chain[-1][0] == PAGE
    assert "is revoked" in text(response)
    assert Client().get(path).status_code == 404
    assert "Usher's iPad" not in text(client.get(PAGE))


def test_no_one_revokes_someone_elses_feed(clock, court, court_user, scheduler):
    token = services.feed_token_create(actor=court_user, scope="court", subject=court, label="x")

    response = signed_in(scheduler).post(f"/calendar-feeds/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_scheduler_cannot_make_a_court_feed(clock, court, scheduler, suite, officer):
    client = signed_in(scheduler)
    page = text(client.get(PAGE))
    assert "A court" not in page  # not offered
    assert "A suite" in page and "A police officer" in page

    response = make_feed(client, scope="court", court=court.pk, label="Sneaky")

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "You cannot subscribe to a court's feed" in page
    assert 'href="#scope"' in response.content.decode()
    assert not FeedToken.objects.exists()
    assert not FEED_URL.search(response.content.decode())


def test_a_scheduler_makes_a_feed_for_one_of_their_officers(clock, scheduler, officer, kent):
    from tests.factories import WitnessFactory

    kent_officer = WitnessFactory(force=kent, full_name="Clara Oswald")
    client = signed_in(scheduler)
    assert "Clara Oswald" not in text(client.get(PAGE))

    refused = make_feed(client, scope="witness", witness=kent_officer.pk, label="Hers")
    assert "Choose an officer from the list" in text(refused)

    response = make_feed(client, scope="witness", witness=officer.pk, label="PC Pond's phone")

    assert FEED_URL.search(response.content.decode())
    assert FeedToken.objects.get().witness == officer


def test_a_missing_choice_and_label_are_explained(clock, scheduler, suite):
    response = make_feed(signed_in(scheduler), scope="suite", suite="", label="")

    page = text(response)
    assert "Choose the suite the feed is for" in page
    assert "Enter whose calendar the feed is for" in page
    assert not FeedToken.objects.exists()


def test_a_feed_not_fetched_for_a_day_is_flagged(clock, court, court_user):
    fetched = services.feed_token_create(
        actor=court_user, scope="court", subject=court, label="Fresh calendar"
    )
    stale = services.feed_token_create(
        actor=court_user, scope="court", subject=court, label="Forgotten calendar"
    )
    now = timezone.now()
    FeedToken.objects.filter(pk=fetched.pk).update(
        last_fetched_at=now - timedelta(hours=1), last_user_agent="Microsoft Outlook 16.0"
    )
    FeedToken.objects.filter(pk=stale.pk).update(
        created_at=now - timedelta(days=5),
        last_fetched_at=now - timedelta(days=2),
        last_user_agent="Google-Calendar-Importer",
    )

    page = text(signed_in(court_user).get(PAGE))

    assert page.count("Not fetched for a day") == 1
    fresh_row = page[page.index("Fresh calendar") : page.index("Forgotten calendar")]
    assert "by Microsoft Outlook" in fresh_row and "In use" in fresh_row
    stale_row = page[page.index("Forgotten calendar") :]
    assert "20 March 2027" in stale_row and "by Google Calendar" in stale_row
    assert "Not fetched for a day" in stale_row


def test_users_see_their_own_feeds_and_admins_everyones(clock, court, court_user, admin_user):
    other = UserFactory(role="court_user", force=None, court=CourtFactory())
    services.feed_token_create(actor=court_user, scope="court", subject=court, label="Mine")
    services.feed_token_create(actor=other, scope="court", subject=other.court, label="Theirs")

    mine = text(signed_in(court_user).get(PAGE))
    everyone = text(signed_in(admin_user).get(PAGE))

    assert "Mine" in mine and "Theirs" not in mine
    assert "Mine" in everyone and "Theirs" in everyone and "All feeds" in everyone


def test_the_feeds_page_costs_a_few_queries_however_many_feeds(
    clock, court, court_user, django_assert_max_num_queries
):
    for n in range(15):
        services.feed_token_create(actor=court_user, scope="court", subject=court, label=f"{n}")
    client = signed_in(court_user)

    with django_assert_max_num_queries(6):
        response = client.get(PAGE)

    assert response.status_code == 200
    assert text(response).count("Revoke the feed for Court: Brighton Magistrates' Court") == 15
