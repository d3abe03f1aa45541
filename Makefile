# Collect Desk: `make run` serves the app with the sandbox and demo data; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
# The first Python 3.12+ on PATH (pyenv shims honour .python-version).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: run test install browsers test-servers oidc-provider lint messages bench clean

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
browsers:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Servers some tests start themselves, from Debian's packages: nginx for `nginx -t` on the
# deployment files, redis-server for the tests that start (and kill) a Redis of their own.
test-servers:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { apt-get update -qq && \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 || \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }; }
	@command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# The OpenID provider the single sign-on tests (and `make run SSO=1`) start: the npm package
# oidc-provider, at the version package-lock.json pins.
oidc-provider: tests/oidc_provider/node_modules/.package-lock.json
tests/oidc_provider/node_modules/.package-lock.json: tests/oidc_provider/package-lock.json
	npm ci --prefix tests/oidc_provider --no-audit --no-fund --loglevel=error

# Options for run_desk, e.g. make run RUN_ARGS="--port 8080 --sandbox-port 8081 --debtors 50";
# make run MFA=1: two-factor sign-in mandatory for supervisors and admins, as in production;
# make run SSO=1: the test OpenID provider too, with demo accounts to sign in through it.
RUN_ARGS ?=
run: install
	$(PY) manage.py run_desk $(RUN_ARGS) $(if $(MFA),--mfa) $(if $(SSO),--sso)

test: install browsers test-servers oidc-provider
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Round trip for translations: collect new strings into locale/*/django.po (translations kept,
# obsolete ones dropped), then compile the .mo files that are committed with them.
MESSAGE_IGNORES := --ignore '.venv/*' --ignore 'var/*' --ignore 'sandbox/*' --ignore 'tests/*' \
	--ignore 'bench/*' --ignore 'test-artifacts/*' --ignore '*.egg-info/*'
messages: install
	$(PY) manage.py makemessages -l sv -l nb -l fi --no-obsolete --add-location file $(MESSAGE_IGNORES)
	$(PY) manage.py compilemessages -l sv -l nb -l fi --ignore '.venv/*'

# Every benchmark in bench/ (BENCH_ARGS=--quick: the page and load benchmarks only), with
# the `bench` extra (Locust) installed first.
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install -q -e '.[dev,bench]'
	touch $(BENCH_STAMP)

BENCH_ARGS ?=
bench: $(BENCH_STAMP)
	bash bench/run_all.sh $(BENCH_ARGS)

clean:
	rm -rf var test-artifacts .pytest_cache
