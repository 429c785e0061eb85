# Two commands on a fresh machine:  `make run` (set up, load data, serve)  and  `make test`.
PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Front-end files installed from the npm registry (see below); prerequisites are expanded when read, so defined first.
VENDOR := static/vendor/plotly.min.js static/vendor/plotly-cartesian.min.js static/vendor/swagger-ui/swagger-ui-bundle.js \
	static/vendor/tom-select/tom-select.complete.min.js

.PHONY: run test setup venv migrate data check lint messages clean-db serve e2e lighthouse

# The background worker (django-q2, database broker: large imports) runs beside the server and stops with it
# (in its own session, so that Ctrl-C reaches it once, through the trap, and it stops cleanly).
run: setup $(VENDOR)
	setsid $(PY) manage.py qcluster & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

test: venv $(VENDOR)
	$(PY) -m pytest

# Only the browser tests (Playwright + /usr/bin/chromium; also part of `make test`). Screenshots: tests/screenshots/.
e2e: venv $(VENDOR)
	$(PY) -m pytest tests/e2e

# Lighthouse scores of the main pages on a production-configured local server (needs npm's devDependencies
# and /usr/bin/chromium); DATABASE_URL or db.sqlite3 with the data loaded (`make setup`). See bench/RESULTS.md.
lighthouse: venv $(VENDOR)
	npm ci --no-audit --no-fund
	$(PY) bench/lighthouse

# Production: DEBUG=0 with SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL … set (docs/deploying.md). gunicorn's usual
# 2 × cores + 1 workers (the pages are CPU-bound pandas/plotly work); WEB_CONCURRENCY=N overrides; the rest of
# gunicorn's settings (worker recycling, timeout, the gc.freeze trial) are in config/gunicorn.py.
WORKERS ?= $(or $(WEB_CONCURRENCY),$(shell echo $$((2 * $$(nproc) + 1))))
serve: venv $(VENDOR)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	setsid $(PY) manage.py qcluster & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi:application --bind $(HOST):$(PORT) \
		--workers $(WORKERS) --access-logfile -

setup: venv migrate data

# plotly.js and Swagger UI (the API docs, /api/v1/docs/) are served by the site itself (no CDN); installed from
# the npm registry, never committed. --ignore-scripts: these packages are prebuilt files and need no install
# script (swagger-ui-dist's @scarf/scarf dependency would otherwise send install analytics).
static/vendor/plotly.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --omit=dev --ignore-scripts
	mkdir -p static/vendor
	cp node_modules/plotly.js-dist-min/plotly.min.js $@

# The bundle most pages load: plotly.js's core and the trace types the charts use (bundles/plotly-cartesian.js),
# built from the plotly.js package with esbuild as plotly.js builds its own (window for global); a third of the
# prebuilt cartesian bundle's evaluation time in the browser. CSS files are left out: plotly.js imports one only
# for map subplots (maplibre's), which this bundle has none of.
static/vendor/plotly-cartesian.min.js: bundles/plotly-cartesian.js static/vendor/plotly.min.js
	test -f node_modules/plotly.js/lib/core.js || npm ci --no-audit --no-fund --omit=dev --ignore-scripts
	node_modules/.bin/esbuild bundles/plotly-cartesian.js --bundle --minify --format=iife --global-name=Plotly \
		--define:global=window --loader:.css=empty --target=es2016 --log-level=warning --outfile=$@

# Swagger UI's stylesheet names its source map, which collectstatic's hashed names need beside it.
static/vendor/swagger-ui/swagger-ui-bundle.js: static/vendor/plotly.min.js
	test -f node_modules/swagger-ui-dist/swagger-ui-bundle.js || npm ci --no-audit --no-fund --omit=dev --ignore-scripts
	mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui.css.map \
		node_modules/swagger-ui-dist/LICENSE static/vendor/swagger-ui/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js $@

# Tom Select: the searchable pickers of the public pages (static/reports/pickers.js loads it where a page has one).
# Its source maps go beside the files for collectstatic's hashed names, as for Swagger UI.
static/vendor/tom-select/tom-select.complete.min.js: static/vendor/plotly.min.js
	test -f node_modules/tom-select/dist/js/tom-select.complete.min.js || npm ci --no-audit --no-fund --omit=dev --ignore-scripts
	mkdir -p static/vendor/tom-select
	cp node_modules/tom-select/dist/css/tom-select.default.min.css node_modules/tom-select/dist/css/tom-select.default.min.css.map \
		node_modules/tom-select/LICENSE static/vendor/tom-select/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js.map static/vendor/tom-select/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js $@

# The virtualenv is rebuilt only when the requirements change.
venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

migrate: venv
	$(PY) manage.py migrate --noinput

# Reference data and published figures; every command is idempotent.
data: venv
	$(PY) manage.py loadunits
	$(PY) manage.py loadcatalogue
	$(PY) manage.py loadpublished
	$(PY) manage.py loadagencies
	$(PY) manage.py loadcriteria
	$(PY) manage.py rebuildranks

check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Regenerate the translation catalogues after changing UI strings (needs gettext's msgfmt).
messages: venv
	$(PY) manage.py makemessages -l vi -l en --no-location
	$(PY) manage.py compilemessages

# Benchmarks (issue 7) on a SYNTHETIC database of their own: cchc_bench on the local PostgreSQL (dropped and
# rebuilt; BENCH_DATABASE_URL to use another), never the project's database. Figures go to bench/RESULTS.md.
# bench/load needs wrk, bench/browser Chromium at /usr/bin/chromium (driven by Playwright, a dev requirement).
.PHONY: bench
bench: venv $(VENDOR)
	$(PY) bench/generate
	$(PY) bench/rankings
	$(PY) bench/publish
	$(PY) bench/export
	$(PY) bench/import
	$(PY) bench/load
	$(PY) bench/browser
