"""CSV for the reports: the same numbers as the JSON, for a spreadsheet."""

import io

from rest_framework.renderers import BaseRenderer

from core.csv import safe_writer

RANGE = ("low", "central", "high")


class HoursSavedCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        # Suite names, labels and sources are typed by people: none may open as a formula.
        writer = safe_writer(out)
        writer.writerow(
            [data["group_by"], "label", "bookings_counted", "times_not_recorded", "remote_hours"]
            + [f"hours_saved_{level}" for level in RANGE]
            + [f"value_gbp_{level}" for level in RANGE]
            + ["rest_day_overrides"]
        )
        for row in [*data["rows"], {**data["totals"], "key": "total", "label": "Total"}]:
            writer.writerow(
                [
                    row["key"],
                    row["label"],
                    row["bookings_counted"],
                    row["times_not_recorded"],
                    row["remote_hours"],
                ]
                + [row["hours_saved"][level] for level in RANGE]
                + [row["value_gbp"][level] for level in RANGE]
                + [row["rest_day_overrides"]]
            )
        writer.writerow([])
        writer.writerow(["excluded", "description", "bookings"])
        for item in data["totals"]["excluded"]:
            writer.writerow([item["reason"], item["description"], item["bookings"]])
        writer.writerow([])
        writer.writerow(["assumption", "force", "value", "unit", "kind", "year", "source"])
        for item in data["assumptions"]:
            writer.writerow(
                [
                    item["label"],
                    item["force"] or "all",
                    item["value"],
                    item["unit"],
                    item["kind"],
                    item["year"],
                    item["source"],
                ]
            )
        writer.writerow([])
        writer.writerow(["note", "bookings", "value", "unit", "text", "source"])
        for item in data["notes"]:
            writer.writerow(
                [
                    item["label"],
                    item["bookings"],
                    item["value"],
                    item["unit"],
                    item["text"],
                    item["source"],
                ]
            )
        return out.getvalue().encode()
