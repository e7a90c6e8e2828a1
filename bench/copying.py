"""Loading rows fast: COPY, the sequences moved past the ids the COPY gave, and a big table's
indexes and constraints built once after its load rather than row by row."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import psycopg
from tqdm import tqdm


def copy_rows(conn: psycopg.Connection, table: str, columns: Iterable[str], rows) -> None:
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def copy_dicts(conn: psycopg.Connection, table: str, rows: list[dict]) -> None:
    if rows:
        columns = list(rows[0])
        copy_rows(conn, table, columns, ([row[c] for c in columns] for row in rows))


def move_sequences(conn: psycopg.Connection, tables: Iterable[str]) -> None:
    for table in tables:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


@contextlib.contextmanager
def indexes_rebuilt_after(conn, table: str):
    """Load without the secondary indexes, foreign keys and exclusion constraints, then add
    them again from their own definitions. Building an index over a million rows is about
    twice as fast as maintaining it row by row, and re-adding a constraint checks every row
    against it at once (each booking's hearing, witness and suite exist; no suite or witness
    is double-booked), instead of one row at a time."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'x') ORDER BY contype, conname",
        (table,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND NOT indisunique AND NOT indisexclusion",
        (table,),
    ).fetchall()
    with conn.transaction():
        for name, _definition in constraints:
            conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            conn.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        conn.execute("SET maintenance_work_mem = '512MB'")
        steps = [definition for _name, definition in indexes] + [
            f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
            for name, definition in constraints
        ]
        for statement in tqdm(steps, desc="indexes and constraints", leave=False):
            with conn.transaction():
                conn.execute(statement)
