# Noticed: `make run` to serve it, `make test` to prove it. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: install install-test run serve test test-browser test-slow bench translations assets db clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

translations: install
	$(BIN)/flask translate compile

assets: install
	$(BIN)/flask assets build
	$(BIN)/flask precompress

db: install
	$(BIN)/flask db upgrade

run: install translations assets db
	SESSION_COOKIE_SECURE=false WEB_CONCURRENCY=1 PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

serve: install translations assets db
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: install-test translations assets
	$(BIN)/python -m pytest -q

test-browser: install-test translations assets
	$(BIN)/python -m pytest -q -m browser

test-slow: install-test translations assets
	NOTICED_SLOW=1 $(BIN)/python -m pytest -q -m slow

bench: install-test translations assets
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) static/gen static/.webassets-cache translations/*/LC_MESSAGES/*.mo
