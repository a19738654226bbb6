# The two commands: `make run` and `make test`. Everything they need is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/civicdesk
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint system-packages messages test-sqlite test-postgres postgres-up redis-up demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,prod]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/civicdesk migrate --noinput
	$(BIN)/civicdesk demo --if-empty
	$(BIN)/civicdesk serve $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/civicdesk makemigrations --check --dry-run

postgres-up:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "PostgreSQL is down; starting it"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

# Redis for the scale-out test (RQ workers); started here when it is down and installed.
redis-up:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  if command -v redis-server >/dev/null 2>&1; then \
	    echo "Redis is down; starting it"; \
	    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null; \
	    for i in 1 2 3 4 5; do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; \
	  else echo "No Redis here: the RQ test will be skipped"; fi; }

# Debian packages the tests use: headless Chromium for the browser tests (CJK fonts make their screenshots
# legible) and gettext, whose xgettext checks that the translation catalogues cover every string.
# Installed when missing and we may (root with apt); otherwise those tests skip and say why.
DEBIAN_PACKAGES := chromium fonts-noto-cjk gettext
system-packages:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v xgettext >/dev/null 2>&1 \
	    || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's $(DEBIAN_PACKAGES) for the tests"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q $(DEBIAN_PACKAGES) >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1; apt-get install -y -q $(DEBIAN_PACKAGES) >/dev/null 2>&1; } || \
	    echo "Could not install $(DEBIAN_PACKAGES): the tests that need them will be skipped"; \
	  else echo "$(DEBIAN_PACKAGES) missing and cannot be installed here: the tests that need them will be skipped"; fi; \
	fi

# Refresh both catalogues from the source (then translate the new entries in the .po files) and compile them.
messages: install
	cd civicdesk && ../$(BIN)/django-admin makemessages -l en -l zh_Hans -i "*/tests/*" --no-obsolete
	cd civicdesk && ../$(BIN)/django-admin compilemessages

test-sqlite: install redis-up
	DATABASE_URL= $(BIN)/pytest

test-postgres: install postgres-up redis-up
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

test: lint system-packages test-sqlite test-postgres

clean:
	rm -rf $(VENV) var build *.egg-info
