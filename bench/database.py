"""The benchmark's own PostgreSQL database and Redis logical database: made at the start,
migrated with the project's migrations, and removed at the end whatever happens."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import redis

from . import environment


def create(name: str) -> str:
    with psycopg.connect(environment.POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return environment.database_url(name)


def drop(name: str) -> None:
    # FORCE ends the sessions a killed server may have left behind.
    with psycopg.connect(environment.POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str, log_path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_ENV": "development"}
    with open(log_path, "w") as log:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=environment.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=300,
        )


def connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url, **kwargs)


def server_facts(url: str) -> dict:
    with connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = dict(
            conn.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', "
                "'synchronous_commit', 'wal_sync_method')"
            ).fetchall()
        )
    return {"postgresql": version, **{f"pg_{k}": v for k, v in settings.items()}}


def commit_milliseconds(url: str, commits: int = 200) -> float:
    """How long one small durable commit takes here (the WAL flush): what every write path
    pays at least once per transaction."""
    import time

    with connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_commit_probe (id int PRIMARY KEY, n int)")
        conn.execute("INSERT INTO bench_commit_probe VALUES (1, 0)")
        started = time.perf_counter()
        for _commit in range(commits):
            conn.execute("UPDATE bench_commit_probe SET n = n + 1 WHERE id = 1")
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_commit_probe")
    return round(elapsed / commits * 1000, 2)


# --- Redis ------------------------------------------------------------------------------------


def claim_redis_database() -> tuple[str, int]:
    """An empty logical database (the highest-numbered one free), so the benchmark's broker
    queue and cache keys mix with nobody's, and emptying it at the end touches nobody's."""
    server = redis.Redis.from_url(environment.REDIS_URL)
    count = int(server.config_get("databases").get("databases", 16))
    for index in range(count - 1, 0, -1):
        candidate = redis.Redis.from_url(f"{environment.REDIS_URL}/{index}")
        # The marker makes the database non-empty, so a second benchmark run skips it.
        if candidate.dbsize() == 0 and candidate.set("evidence-bench:owner", os.getpid(), nx=True):
            return f"{environment.REDIS_URL}/{index}", index
    raise RuntimeError("No empty Redis logical database to run the benchmark in.")


def release_redis_database(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


def redis_version() -> str:
    return redis.Redis.from_url(environment.REDIS_URL).info("server")["redis_version"]
