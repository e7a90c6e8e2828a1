import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# What requests would otherwise import on first use, imported now: the URLconf (every view,
# DRF, the schema) and the tasks the web side hands to Celery (the twilio SDK). gunicorn loads
# this module once in its master (preload_app), so each worker, and each worker recycled after
# its max_requests, starts warm (docs/benchmarks.md: a tenth of the booking path's samples
# were imports).
import_module(settings.ROOT_URLCONF)
import_module("notifications.tasks")
