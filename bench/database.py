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
                "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', "
                "'synchronous_commit', 'max_connections')"
            ).fetchall()
        )
    return {"postgresql": version, **{f"pg_{k}": v for k, v in settings.items()}}


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
