"""The Celery application: configured from Django settings (CELERY_*), tasks found per app."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("evidence_suites")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's Django fix-up closes every database connection before and after each task, whatever
# CONN_MAX_AGE says, so each task paid for a new PostgreSQL session (docs/benchmarks.md: a
# third of a stand-down text's cost). Its recycling is pushed out of the way (a fresh
# connection every 10,000 tasks) and, as Django does around each request, a worker drops its
# connection only when it is older than CONN_MAX_AGE or broken.
app.conf.update(CELERY_DB_REUSE_MAX=10_000)


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs) -> None:
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # in-process (tests): the caller's transaction owns the connection
    from django.db import close_old_connections

    close_old_connections()
