# Noticed: `make run` to serve it, `make test` to prove it. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
VNU := tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar
export FLASK_APP := wsgi.py
# Every link Noticed writes is on PUBLIC_BASE_URL, and `make serve` refuses to start without it.
# Everything else runs on this machine's loopback (or, like `flask db upgrade`, writes no link),
# so it gets a default; a target's variables also hold for its prerequisites.
run test test-browser test-slow bench translations assets db: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

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

test-slow: install-test translations assets $(VNU)
	NOTICED_SLOW=1 $(BIN)/python -m pytest -q -m slow

# The W3C Nu HTML checker (run with Java) for tests/test_html_validity.py, pinned in
# tools/vnu/package-lock.json. Without npm the test skips (and fails in CI, which installs npm).
$(VNU): tools/vnu/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tools/vnu && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm is missing: tests/test_html_validity.py will skip (apt-get install npm)"; fi

bench: install-test translations assets
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) static/gen static/.webassets-cache translations/*/LC_MESSAGES/*.mo
