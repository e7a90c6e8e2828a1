"""Benchmarks of the hot paths, each measured side by side with the physical limit of its path.

`make bench` (or `uv run python -m bench.run`) makes a throwaway PostgreSQL database, loads
realistic data into it, starts the real stack on loopback (gunicorn, Celery workers, the fake
Twilio) and prints one table of ratios. The method and the latest numbers are in
docs/benchmarks.md.

    run.py              the entry point: database, data, servers, the paths, clean-up
    paths.py            each path in turn, measured against its limit
    results.py          the machine, and the table printed and written to var/bench
    environment.py      scale, repetitions, addresses, the environment the servers get
    database.py         create, migrate and drop the benchmark database
    grid.py             forces, suites and the grid of slots bookings are drawn on
    reference_data.py   forces, suites, courts, witnesses, users and closures, loaded first
    data.py             the bookings and hearings: working set, slots to book, history
    copying.py          COPY, sequences, indexes rebuilt after a bulk load
    servers.py          gunicorn, Celery and the fake Twilio as subprocesses; peak memory
    measure.py          timing, medians, percentiles, the table
    client.py           a keep-alive HTTP client that reconnects when gunicorn closes
    booking_create.py   POST /api/v1/bookings/ vs raw INSERTs
    availability.py     bookings.selectors.available_suites vs one SQL query
    feed.py             a court's calendar feed (and its 304) vs icalendar alone
    report.py           reports.selectors.hours_saved vs one GROUP BY
    sms.py              stand-down texts through Celery vs posting them with the twilio SDK
    court_lists.py      a national morning's court lists read vs json.loads + jsonschema alone
    court_list_storm.py a revised list's stand-down storm, POST to last text, vs the twilio SDK
"""
