"""Sample lists for one court (Brighton, CaTH location 1823), written from the published format
(../shared/COURT_LISTS.md), with the headers each would be pushed with (`manifest.json`):

- `brighton-2027-03-24-standard.json`: Wednesday 24 March 2027 (GMT): three courtrooms,
  morning and afternoon sessions, several hearings a sitting, a hearing with two cases, a trial
  in both sessions, a hearing with only an application, parties with names, dates of birth,
  addresses, ASN, PNC ids and offences;
- `brighton-2027-03-24-public.json`: the same day's public list (parties by name only),
  published five minutes before the standard list;
- `brighton-2027-03-24-standard-revised.json`: the next morning's version of the standard
  list: the Court 2 afternoon trial (47BR0356426) moves to Court 3 at 14:30, and the Court 3
  morning trial (47BR0433026) has gone;
- `brighton-2027-03-29-public.json`: Monday 29 March 2027, the day after the clocks go
  forward (BST: 09:00Z is 10:00 in the courtroom).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent


def headers(name: str) -> dict[str, str]:
    """The push headers the sample `name` comes with."""
    return json.loads((SAMPLES / "manifest.json").read_text())[name]


def document(name: str) -> Any:
    """The sample `name`, parsed."""
    return json.loads((SAMPLES / name).read_text())
