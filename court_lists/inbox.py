"""The watched folder, for deployments that receive the courts' lists as files rather than
pushes: beat sweeps it every minute (`tasks.sweep_court_list_inbox`, setting
COURT_LISTS_INBOX).

How to drop a list there: the document as `NAME.json`, and beside it its push headers as
`NAME.headers.json`, one JSON object of header names and values, exactly as the push would
carry them (court_lists/samples/manifest.json holds one per sample):

    inbox/brighton-2027-03-24.json
    inbox/brighton-2027-03-24.headers.json   {"x-list-type": "MAGISTRATES_STANDARD_LIST",
                                              "x-court-id": "1823", ...}

Each list is read as a push is (court_lists.intake). Then both files move aside: to
`processed/` once read (whatever the outcome), to `refused/` when refused, with
`NAME.reason.txt` next to them saying why (each fault by header or path, never a value from the
document). A name already taken there gets a number (`NAME.2.json`). A file changed in the last
COURT_LISTS_INBOX_SETTLE_SECONDS may still be being written, and waits for the next sweep; so do
hidden files (`.NAME.json`, as copying tools write them) and a list whose reading failed for
the service's own reasons (the database away), which is tried again. One sweep at a time: a
sweep that finds another still running leaves the folder to it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from core.errors import DomainError

from . import intake

logger = logging.getLogger(__name__)

HEADERS_SUFFIX = ".headers.json"
PROCESSED = "processed"
REFUSED = "refused"
LOCK = ".sweep.lock"


@dataclass(frozen=True)
class Swept:
    """What the sweep did with one list: its file's name, and the outcome of reading it
    (`applied`, `proposed`, `unchanged`, `superseded`) or `refused`."""

    name: str
    outcome: str


def inbox_sweep(folder: Path, *, now: float | None = None) -> list[Swept]:
    """Read every list in `folder` ready to be read, and move each aside (see the module)."""
    if not folder.is_dir():
        logger.warning("The court list inbox %s is not a folder: nothing swept.", folder)
        return []
    with open(folder / LOCK, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []  # another sweep is at it
        now = time.time() if now is None else now
        return [swept for path in _ready(folder, now) if (swept := _take(folder, path))]


def _ready(folder: Path, now: float) -> list[Path]:
    settled = now - settings.COURT_LISTS_INBOX_SETTLE_SECONDS
    ready = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith(".") or path.name.endswith(HEADERS_SUFFIX) or not path.is_file():
            continue
        sidecar = _sidecar_of(path)
        if any(p.exists() and p.stat().st_mtime > settled for p in (path, sidecar)):
            continue  # still being written
        ready.append(path)
    return ready


def _sidecar_of(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".json") + HEADERS_SUFFIX)


def _headers(sidecar: Path) -> dict[str, str]:
    if not sidecar.exists():
        raise DomainError(
            "invalid_list_metadata",
            f"No headers file: put the list's push headers in {sidecar.name} beside it.",
        )
    try:
        headers = json.loads(sidecar.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        headers = None
    if not isinstance(headers, dict) or not all(
        isinstance(value, str) for value in headers.values()
    ):
        raise DomainError(
            "invalid_list_metadata",
            f"{sidecar.name} is not one JSON object of header names and their values (text).",
        )
    return headers


def _take(folder: Path, path: Path) -> Swept | None:
    sidecar = _sidecar_of(path)
    try:
        headers = intake.list_headers(_headers(sidecar))
        court_list = intake.list_receive(headers=headers, document=intake.document_from_file(path))
    except DomainError as refusal:
        reason = intake.refusal_words(refusal)
        _move_aside(folder / REFUSED, path, sidecar, reason=reason)
        logger.info("Court list %s refused: %s", path.name, refusal.code)
        return Swept(path.name, REFUSED)
    except Exception:
        logger.exception("Court list %s could not be read now: it stays for the next sweep", path)
        return None
    _move_aside(folder / PROCESSED, path, sidecar)
    logger.info("Court list %s read: %s", path.name, intake.read_words(court_list))
    return Swept(path.name, court_list.outcome)


def _move_aside(to: Path, path: Path, sidecar: Path, *, reason: str | None = None) -> None:
    to.mkdir(exist_ok=True)
    stem = path.name.removesuffix(".json")
    taken = 1
    name = stem
    while any((to / f"{name}{end}").exists() for end in (".json", HEADERS_SUFFIX, ".reason.txt")):
        taken += 1
        name = f"{stem}.{taken}"
    if reason is not None:
        (to / f"{name}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    path.replace(to / f"{name}.json")
    if sidecar.exists():
        sidecar.replace(to / f"{name}{HEADERS_SUFFIX}")
