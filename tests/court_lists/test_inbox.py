"""The watched folder: lists dropped as files (`NAME.json` with its headers beside it in
`NAME.headers.json`) are read by beat's sweep and moved aside, to `processed/` once read, to
`refused/` with the reason when refused; a file still being written waits."""

import json
import os
import time

import pytest

from config.celery import app
from court_lists import inbox, samples
from court_lists.inbox import inbox_sweep
from court_lists.models import CourtList
from court_lists.tasks import sweep_court_list_inbox

from .conftest import PUBLIC, REVISED, STANDARD
from .test_api import rows

pytestmark = pytest.mark.django_db


def later() -> float:
    """A sweep's "now" a minute on: every file dropped so far has settled."""
    return time.time() + 60


def drop(folder, name, sample=STANDARD, *, document=None, headers=None, sidecar=True):
    """Put a sample in the folder as a deployment receiving files would: the list, and its
    headers beside it."""
    (folder / f"{name}.json").write_text(
        json.dumps(samples.document(sample) if document is None else document)
    )
    if sidecar:
        sent = samples.headers(sample) if headers is None else headers
        (folder / f"{name}.headers.json").write_text(json.dumps(sent))


def names(folder) -> set[str]:
    return {path.name for path in folder.iterdir() if not path.name.startswith(".")}


def test_a_dropped_list_is_read_and_moved_to_processed_with_its_headers(clock, brighton, tmp_path):
    drop(tmp_path, "brighton-wednesday")

    swept = inbox_sweep(tmp_path, now=later())

    assert swept == [inbox.Swept("brighton-wednesday.json", "proposed")]
    assert CourtList.objects.get().provenance == "COMMON_PLATFORM"
    assert names(tmp_path) == {"processed"}
    assert names(tmp_path / "processed") == {
        "brighton-wednesday.json",
        "brighton-wednesday.headers.json",
    }


def test_a_refused_list_is_kept_with_its_reason_and_changes_nothing(clock, brighton, tmp_path):
    document = samples.document(STANDARD)
    document["document"]["publicationDate"] = "yesterday"
    drop(tmp_path, "broken", document=document)
    before = rows()

    swept = inbox_sweep(tmp_path, now=later())

    assert swept == [inbox.Swept("broken.json", "refused")]
    assert rows() == before
    refused = tmp_path / "refused"
    assert names(refused) == {"broken.json", "broken.headers.json", "broken.reason.txt"}
    reason = (refused / "broken.reason.txt").read_text()
    assert reason.startswith("invalid_court_list: ")
    assert "  document.publicationDate: Must be a UTC time ending in Z" in reason
    assert "yesterday" not in reason


def test_a_list_without_its_headers_file_is_refused_saying_so(clock, brighton, tmp_path):
    drop(tmp_path, "lonely", sidecar=False)

    inbox_sweep(tmp_path, now=later())

    reason = (tmp_path / "refused" / "lonely.reason.txt").read_text()
    assert "No headers file: put the list's push headers in lonely.headers.json" in reason
    assert not CourtList.objects.exists()


def test_headers_for_a_court_the_service_does_not_know_are_refused(clock, brighton, tmp_path):
    drop(tmp_path, "elsewhere", headers=samples.headers(STANDARD) | {"x-court-id": "4242"})

    inbox_sweep(tmp_path, now=later())

    reason = (tmp_path / "refused" / "elsewhere.reason.txt").read_text()
    assert reason.startswith("unknown_court: ")
    assert "  x-court-id: No court has CaTH location id 4242." in reason


def test_header_names_in_the_headers_file_are_read_in_any_case(clock, brighton, tmp_path):
    drop(tmp_path, "shouty", headers={k.upper(): v for k, v in samples.headers(PUBLIC).items()})

    assert inbox_sweep(tmp_path, now=later()) == [inbox.Swept("shouty.json", "proposed")]


def test_a_file_still_being_written_waits_for_the_next_sweep(clock, brighton, tmp_path):
    drop(tmp_path, "arriving")
    written = time.time()
    os.utime(tmp_path / "arriving.json", (written, written))

    assert inbox_sweep(tmp_path, now=written + 1) == []
    assert names(tmp_path) == {"arriving.json", "arriving.headers.json"}

    assert inbox_sweep(tmp_path, now=written + 60) == [inbox.Swept("arriving.json", "proposed")]


def test_the_same_name_again_is_kept_beside_the_first(clock, brighton, tmp_path):
    drop(tmp_path, "brighton")
    inbox_sweep(tmp_path, now=later())
    drop(tmp_path, "brighton", REVISED)

    assert inbox_sweep(tmp_path, now=later()) == [inbox.Swept("brighton.json", "proposed")]
    assert {"brighton.json", "brighton.2.json", "brighton.2.headers.json"} <= names(
        tmp_path / "processed"
    )


def test_a_list_the_service_fails_to_read_for_its_own_reasons_stays_to_be_tried_again(
    clock, brighton, tmp_path, monkeypatch
):
    drop(tmp_path, "later")

    def database_away(**kwargs):
        raise ConnectionError("the database is away")

    monkeypatch.setattr(inbox.intake, "list_receive", database_away)

    assert inbox_sweep(tmp_path, now=later()) == []
    assert names(tmp_path) == {"later.json", "later.headers.json"}


def test_beat_sweeps_the_folder_the_setting_names_every_minute(clock, brighton, tmp_path, settings):
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if "court_list_inbox" in e["task"]
    )
    assert entry["schedule"] == 60
    assert entry["task"] in app.tasks
    settings.COURT_LISTS_INBOX = ""
    drop(tmp_path, "brighton")
    past = time.time() - 60
    for path in tmp_path.iterdir():
        os.utime(path, (past, past))

    assert sweep_court_list_inbox.delay().get() == 0  # no folder set: nothing swept
    settings.COURT_LISTS_INBOX = str(tmp_path)
    assert sweep_court_list_inbox.delay().get() == 1
    assert (tmp_path / "processed" / "brighton.json").exists()
