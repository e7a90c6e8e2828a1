"""The page a person running the demo reads at http://127.0.0.1:8020/: every text, newest
first, and a box to reply as a witness. `page.html` is a plain `string.Template`, so the fake
runs without Django; every value is escaped as it goes in."""

from datetime import datetime
from html import escape
from pathlib import Path
from string import Template

from core.clock import LONDON
from notifications.fake_twilio.state import Store

# The file ends with a newline as text files do; the page as served never did.
PAGE = Template(
    Path(__file__).with_name("page.html").read_text(encoding="utf-8").removesuffix("\n")
)
ROW = Template(
    '<tr class="$side"><td>$when</td><td>$who</td><td><pre>$body</pre>$note</td>'
    "<td>$status</td><td>$segments</td></tr>"
)
NOTE = Template("<br><small>$note</small>")
NO_ROWS = '<tr><td colspan="5">No messages yet.</td></tr>'
DEFAULT_WITNESS = "+447700900123"


def render_page(fake: Store) -> str:
    messages = fake.messages()
    last_witness = next(
        (m["to"] for m in messages if m["direction"] == "outbound-api"), DEFAULT_WITNESS
    )
    return PAGE.substitute(
        from_number=escape(fake.from_number),
        inbound_url=escape(fake.inbound_url),
        last_witness=escape(last_witness),
        rows="".join(_row(message) for message in messages) or NO_ROWS,
    )


def _row(message: dict) -> str:
    inbound = message["direction"] == "inbound"
    code = message["error_code"]
    when = datetime.fromisoformat(message["date_created"]).astimezone(LONDON)
    return ROW.substitute(
        side="in" if inbound else "out",
        when=f"{when:%a %d %b %H:%M:%S}",
        who=escape(f"from {message['from']}" if inbound else f"to {message['to']}"),
        body=escape(message["body"]),
        note=NOTE.substitute(note=escape(message["note"])) if message["note"] else "",
        status=escape(message["status"] + (f" ({code})" if code else "")),
        segments=message["segments"],
    )
