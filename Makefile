# Two commands for a fresh clone:
#   make demo   set up and run the example site with demo content on SQLite
#   make test   run the whole test suite (lint; Wagtail 7.4 and 8.0; SQLite and PostgreSQL; slow; browser)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test venv clean messages bench bench-quick load screenshots

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[testing]" "tox>=4.20" "tox-uv>=1.11"
	touch $@

venv: $(BIN)/.installed

# The demo needs only the package and the example site's extras (not the test tools).
$(BIN)/.demo-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[demo]"
	touch $@

# PORT=8001 make demo serves on another port; a taken port fails here, before anything is set up.
# Staff emails link to the admin on the same address and port.
demo: $(BIN)/.demo-installed
	cd example_site && ../$(BIN)/python check_port.py $(PORT)
	cd example_site && ../$(BIN)/python manage.py migrate --noinput
	cd example_site && ../$(BIN)/python manage.py setup_demo --address http://127.0.0.1:$(PORT)
	@echo "Open http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/, admin / changeme)"
	@echo "Headless demo client: http://127.0.0.1:$(PORT)/headless/ (HEADLESS_PREVIEW=1 make demo: previews there too)"
	cd example_site && WAGTAILADMIN_BASE_URL=http://127.0.0.1:$(PORT) ../$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(BIN)/tox run

# The README's screenshots (docs/images/): a fresh demo in a temporary directory on a free port,
# photographed in English and Spanish at 1280 and 390 px by the system Chromium (Playwright).
screenshots: venv
	cd example_site && ../$(BIN)/python screenshots.py

messages: venv
	cd wagtail_conditions && PYTHONPATH=.. DJANGO_SETTINGS_MODULE=tests.settings ../$(BIN)/django-admin makemessages --locale en --locale es --locale fr && PYTHONPATH=.. DJANGO_SETTINGS_MODULE=tests.settings ../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) .tox build dist *.egg-info

bench: venv
	$(BIN)/python benchmarks/bench.py

# Query counts only, failing when one grows past its budget (for CI): a minute, not ten.
bench-quick: venv
	$(BIN)/python benchmarks/bench.py --quick

# gunicorn on PostgreSQL + Redis, 2,000 submissions per face from 50 clients against Wagtail's
# FormPage (loopback only, a database of its own); exits 1 unless every accepted one is stored.
load: venv
	$(BIN)/python -u benchmarks/load.py
