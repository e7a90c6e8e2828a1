# The production image: web (gunicorn), worker and beat all run from it (see docker-compose.yml).

# Front end: GOV.UK Frontend and htmx from npm, and the service's CSS compiled from Sass, by the
# same `npm ci` and `npm run build:css` that `make` runs.
FROM node:20-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/styles web/styles
RUN mkdir -p var/static-build/web && npm run --silent build:css

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH="/app/.venv/bin:$PATH"

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 1000 app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache

COPY . .
COPY --from=frontend /build/node_modules/govuk-frontend/dist node_modules/govuk-frontend/dist
COPY --from=frontend /build/node_modules/htmx.org/dist node_modules/htmx.org/dist
COPY --from=frontend /build/var/static-build var/static-build

# Production settings need a secret and allowed hosts; these placeholders exist only for this
# step (RUN-scoped, not baked into the image). Production mode is needed so the manifest that
# the production static storage reads is written.
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    TWILIO_ACCOUNT_SID=unset TWILIO_AUTH_TOKEN=unset TWILIO_MESSAGING_SERVICE_SID=unset \
    python manage.py collectstatic --noinput

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn.py"]
