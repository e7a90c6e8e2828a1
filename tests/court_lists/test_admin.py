"""The Django admin shows the lists read and their changes, and changes neither."""

import pytest

from .conftest import STANDARD, read_sample

pytestmark = pytest.mark.django_db


def test_the_admin_lists_court_lists_and_their_changes_read_only(clock, admin_browser, brighton):
    court_list = read_sample(brighton, STANDARD)
    change = court_list.changes.first()

    for url in (
        "/admin/court_lists/courtlist/",
        f"/admin/court_lists/courtlist/{court_list.pk}/change/",
        "/admin/court_lists/listchange/",
        f"/admin/court_lists/listchange/{change.pk}/change/",
    ):
        response = admin_browser.get(url)
        assert response.status_code == 200, url
        assert b'name="_save"' not in response.content, url
    assert admin_browser.get("/admin/court_lists/courtlist/add/").status_code == 403
