"""Settings, read from the environment (twelve-factor).

Development (the default) runs on SQLite with an in-process broker and needs nothing set.
Production (`DJANGO_ENV=production`, as docker-compose runs it) requires a secret key and
allowed hosts and turns on every transport-security setting `check --deploy` asks for.
`DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis in either mode.
"""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .notifications import *  # noqa: F403
from .security import *  # noqa: F403
