# The README's commands. `make run` and `make test` work on a fresh machine with only python3.

# uv from PATH, or the copy `pip install uv` leaves importable when its script dir is not on PATH.
UV := $(if $(shell command -v uv 2>/dev/null),uv,python3 -m uv)
RUN := $(UV) run --frozen
MANAGE := $(RUN) python manage.py
PYTEST_ARGS ?=

.PHONY: run test lint migrations-check schema install browser fuzz bench soak messages

# The demo's court lists: the watched folder beat sweeps, and where seed_demo leaves the revised
# list that beat moves into it a few minutes after seeding (README, "Court lists").
DEMO_ENV := COURT_LISTS_INBOX=var/court-lists/inbox DEMO_COURT_LISTS_PENDING=var/court-lists/demo-pending

run: install
	$(MANAGE) migrate
	$(DEMO_ENV) $(MANAGE) seed_demo
	$(DEMO_ENV) $(RUN) honcho -f Procfile.dev start

test: install browser
	$(RUN) pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# ruff, then the import-linter contracts in pyproject.toml (dependencies point one way).
lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

schema: install
	$(MANAGE) spectacular --validate --fail-on-warn --file var/openapi.yml

# var/ holds the SQLite database, the beat schedule and, with no REDIS_URL, the Celery broker.
install:
	command -v uv >/dev/null || python3 -m pip install uv
	$(UV) sync --frozen
	mkdir -p var/broker/queue var/broker/processed var/broker/control var/mail var/static-build/web
	mkdir -p var/court-lists/inbox
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build:css
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(MANAGE) compilemessages --locale cy --ignore '.venv/*' --ignore 'node_modules/*'

# Gather the translatable strings into the Welsh catalogue (docs/welsh.md); a test fails when this
# would change it or leaves a string untranslated.
MESSAGES_ARGS := --locale cy --no-location --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*'
messages: install
	$(MANAGE) makemessages $(MESSAGES_ARGS)

# The fuzzers only, with more examples than CI's (15 per API operation, 8 per staff page, method
# and role): the API schema (schemathesis) and the staff pages (Hypothesis). FUZZ_EXAMPLES=500
FUZZ_EXAMPLES ?= 100
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) STAFF_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) STAFF_FUZZ_RANDOM=1 \
		$(RUN) pytest \
		tests/security/test_schema_fuzz.py tests/security/test_staff_pages_fuzz.py \
		-p no:cacheprovider $(PYTEST_ARGS)

# The hot paths against their physical limits (docs/benchmarks.md), on the local PostgreSQL and
# Redis: about five minutes; BENCH_SCALE=0.05 for a one-minute try.
bench: install
	$(RUN) python -m bench.run

# The outbox model (tests/notifications/test_outbox_model.py) run long, with fresh random
# examples each time: SOAK_EXAMPLES x SOAK_STEPS steps (10,000 by default); prints what it
# covered. CI runs it with a fixed, smaller number of examples.
SOAK_EXAMPLES ?= 400
SOAK_STEPS ?= 25
soak: install
	OUTBOX_MODEL_SOAK=1 OUTBOX_MODEL_EXAMPLES=$(SOAK_EXAMPLES) OUTBOX_MODEL_STEPS=$(SOAK_STEPS) \
		$(RUN) pytest tests/notifications/test_outbox_model.py -p no:cacheprovider -s $(PYTEST_ARGS)
