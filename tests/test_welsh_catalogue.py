"""The Welsh catalogue (locale/cy, docs/welsh.md): every string translated, none fuzzy, each marked
as awaiting review by a Welsh speaker or as reviewed, and nothing `make messages` would change
(a new string, a changed one, one no longer used)."""

import re
import shlex
import shutil
from difflib import unified_diff
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"
AWAITING = "# Awaiting review by a Welsh speaker"
# A Welsh speaker who has reviewed an entry puts this in the mark's place (docs/welsh.md).
REVIEWED = re.compile(r"# Reviewed by a Welsh speaker: \S.*, \d{4}-\d{2}-\d{2}")
# What the copy for makemessages leaves out: what `make messages` ignores or never reads.
NOT_COPIED = {".git", ".venv", "node_modules", "var", "locale"}
TRANSLATABLE = {".py", ".html", ".txt"}  # makemessages' extensions for the django domain


def _unquoted(lines: list[str]) -> str:
    return "".join(
        line[line.index('"') + 1 : -1].encode().decode("unicode_escape").encode("latin-1").decode()
        for line in lines
    )


def entries(text: str) -> list[dict]:
    """Each entry of a .po file: its comment lines, flags and fields (msgctxt, msgid,
    msgid_plural, msgstr, msgstr[0]...) as text."""
    found = []
    for block in text.strip().split("\n\n"):
        entry: dict = {"comments": [], "flags": set(), "fields": {}}
        field = None
        lines: dict[str, list[str]] = {}
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                entry["comments"].append(line)
            elif line.startswith('"'):
                lines[field].append(line)
            else:
                field = line.split(" ", 1)[0]
                lines[field] = [line]
        entry["fields"] = {name: _unquoted(value) for name, value in lines.items()}
        found.append(entry)
    return found


def catalogue() -> list[dict]:
    return entries(CATALOGUE.read_text(encoding="utf-8"))


def name(entry: dict) -> str:
    context = entry["fields"].get("msgctxt")
    return f"[{context}] {entry['fields']['msgid']}" if context else entry["fields"]["msgid"]


def messages_args() -> list[str]:
    """The arguments `make messages` gives makemessages (the Makefile's MESSAGES_ARGS)."""
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    [line] = [line for line in makefile.splitlines() if line.startswith("MESSAGES_ARGS :=")]
    return shlex.split(line.split(":=", 1)[1])


def test_every_string_has_a_welsh_translation():
    header, *rest = catalogue()
    plurals = int(re.search(r"nplurals=(\d+)", header["fields"]["msgstr"])[1])

    untranslated = []
    for entry in rest:
        fields = entry["fields"]
        forms = [fields.get(f"msgstr[{n}]", "") for n in range(plurals)]
        translations = forms if "msgid_plural" in fields else [fields.get("msgstr", "")]
        if not all(translation.strip() for translation in translations):
            untranslated.append(name(entry))

    assert untranslated == [], "No Welsh for these (docs/welsh.md says how to add it)"


def test_no_entry_is_fuzzy():
    # msgmerge marks a string it guessed from a similar one fuzzy; compilemessages leaves such
    # entries out, so the witness would read English.
    fuzzy = [name(entry) or "the header" for entry in catalogue() if "fuzzy" in entry["flags"]]

    assert fuzzy == [], "Fuzzy entries: check the Welsh, then remove `#, fuzzy`"


def test_every_entry_is_marked_awaiting_review_or_reviewed_by_a_welsh_speaker():
    unmarked = []
    for entry in catalogue()[1:]:
        marks = [c for c in entry["comments"] if c.startswith(AWAITING) or REVIEWED.fullmatch(c)]
        if len(marks) != 1:
            unmarked.append(name(entry))

    assert unmarked == [], f"Each entry needs one '{AWAITING}' or 'Reviewed ...' mark"


def without_creation_date(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:')]


@pytest.fixture
def copy_of_the_project(tmp_path, settings, monkeypatch):
    """The project's translatable files and the catalogue, copied: makemessages writes (a
    template's preprocessed copy beside it, the catalogue) where it runs, never in the tree."""
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if relative.parts[0] in NOT_COPIED or path.suffix not in TRANSLATABLE:
            continue
        if path.is_file():
            (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, tmp_path / relative)
    copied = tmp_path / CATALOGUE.relative_to(root)
    copied.parent.mkdir(parents=True)
    shutil.copyfile(CATALOGUE, copied)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    settings.STATIC_ROOT = tmp_path / Path(settings.STATIC_ROOT).relative_to(root)
    monkeypatch.chdir(tmp_path)
    return copied


def test_make_messages_would_not_change_the_catalogue(copy_of_the_project):
    before = copy_of_the_project.read_text(encoding="utf-8")

    call_command("makemessages", *messages_args(), stdout=StringIO())

    after = copy_of_the_project.read_text(encoding="utf-8")
    changes = "\n".join(
        unified_diff(
            without_creation_date(before),
            without_creation_date(after),
            "locale/cy/LC_MESSAGES/django.po",
            "after make messages",
            lineterm="",
        )
    )
    assert not changes, f"Run `make messages`, then translate (docs/welsh.md):\n{changes}"
