# Spotcheck: `make demo` serves the demo city, `make test` runs the whole suite.
# Each target builds .venv from nothing the first time (only Python 3.11+ is needed beforehand).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export SPOTCHECK_ENV ?= development
# The address every inspection code's QR carries: the demo's own server, on its own port (PORT=8080 make demo).
export SPOTCHECK_PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

# `make demo OIDC=1`: the demo's staff may also sign in through a test identity platform (统一身份认证): the OpenID
# Connect provider of the tests (tests/oidc/provider.mjs, oidc-provider under Node 20) on port 5001, with the people
# of tests/oidc/demo.json, started beside the server and stopped with it.
OIDC ?=
ifeq ($(OIDC),1)
export SPOTCHECK_OIDC_ISSUER ?= http://127.0.0.1:5001
export SPOTCHECK_OIDC_CLIENT_ID ?= spotcheck-demo
export SPOTCHECK_OIDC_CLIENT_SECRET ?= spotcheck-demo-secret-not-for-production
endif

.PHONY: demo test test-fast chaos fuzz bench install install-dev verifier chromium pdf-libs openssl-headers translations clean

# Built again when the draw's C part changes (setup.py builds it into the source tree).
$(VENV)/.installed: pyproject.toml setup.py spotcheck/draw/_native.c | openssl-headers
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed verifier
install-dev: $(VENV)/.installed-dev verifier

# The browser verifier (spotcheck-verify.js, one file for the public page and `node`): built from
# static/verifier-src with the versions of package-lock.json (npm ci: @noble/hashes, esbuild) when it
# is missing or older than its source. Without npm the page says it is not installed, and its tests
# skip (or fail with SPOTCHECK_REQUIRE_SERVICES=1).
VERIFIER_JS  := spotcheck/platform/static/spotcheck-verify.js
VERIFIER_SRC := $(wildcard spotcheck/platform/static/verifier-src/*.mjs)

verifier: $(VERIFIER_JS)

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the browser verifier is not built (install Node.js 20 and npm)"; fi

$(VERIFIER_JS): $(VERIFIER_SRC) package-lock.json node_modules/.package-lock.json
	@if [ -e node_modules/.package-lock.json ]; then npm run --silent build && touch $@; fi

# The draw's C part (spotcheck/draw/_native.c, built by setup.py) takes SHA-256 from OpenSSL: its headers
# (Debian's libssl-dev) are installed when missing. Without them the package builds no C part and the draw
# runs in Python, slower; the suite fails then (tests/unit/test_draw_native.py).
openssl-headers:
	@[ -e /usr/include/openssl/sha.h ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing OpenSSL's headers for the draw's C part"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev >/dev/null; \
	  else echo "OpenSSL's headers are missing: install libssl-dev to build the draw's C part"; fi; }

# Browser tests drive Debian's Chromium (never a downloaded browser build): its headless shell, which
# costs less CPU a page than the full browser (tests/support/browsers.py), with a Chinese font so that
# screenshots of the pages show the characters rather than boxes.
chromium:
	@{ command -v chromium-headless-shell >/dev/null 2>&1 && [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium (headless shell) and a Chinese font for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-headless-shell fonts-wqy-microhei >/dev/null; \
	  else echo "chromium not found: browser tests will be skipped (or fail with SPOTCHECK_REQUIRE_SERVICES=1)"; fi; }

# The documents need a CJK TrueType font (WenQuanYi Micro Hei) and the notices benchmark's baseline
# (WeasyPrint) needs Pango, both from Debian: installed when missing.
pdf-libs:
	@{ ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Pango and CJK fonts for the PDF notices"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei fonts-noto-cjk >/dev/null; \
	  else echo "Pango or the CJK font is missing: install libpangoft2-1.0-0 and fonts-wqy-microhei for the PDF documents"; fi; }

demo: install pdf-libs
	$(BIN)/spotcheck db upgrade
	$(BIN)/spotcheck demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
ifeq ($(OIDC),1)
	@echo "The test identity platform (统一身份认证) on $(SPOTCHECK_OIDC_ISSUER): its people in tests/oidc/demo.json"
	node tests/oidc/provider.mjs tests/oidc/demo.json & provider=$$!; \
	  trap 'kill $$provider' EXIT INT TERM; $(BIN)/spotcheck run --host 127.0.0.1 --port $(PORT)
else
	$(BIN)/spotcheck run --host 127.0.0.1 --port $(PORT)
endif

test: install-dev chromium pdf-libs
	SPOTCHECK_ENV=testing $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

# The fast loop (≤ 90 s): the rules, the commands and the units on SQLite — no PostgreSQL, no worker, no browser,
# no pages, and none of the tests that take a second or more (`@pytest.mark.seconds(…)` or `slow(…)`, measured on
# a quiet 2-core machine). `make test` runs everything (≤ 12 minutes on a fresh 2-core clone); `python -m bench suite`
# times both.
test-fast: install-dev
	SPOTCHECK_ENV=testing $(BIN)/python -m pytest tests/unit tests/commands -n 2 -m "not postgres and not redis and not browser and not slow and not seconds"

# Faults of the services under running jobs (tests/chaos): a PostgreSQL cluster of the test's own
# restarted mid-job, a Redis of its own restarted mid-job, on real workers. A few minutes; needs the
# PostgreSQL server binaries (initdb, pg_ctl) and redis-server.
chaos: install-dev
	SPOTCHECK_ENV=testing SPOTCHECK_REQUIRE_SERVICES=1 SPOTCHECK_CHAOS=1 $(BIN)/python -m pytest tests/chaos -q

# The API fuzzed from its OpenAPI document (schemathesis) as every role of the demo, with many more
# examples per operation than the suite's one-minute run, on the local PostgreSQL; FUZZ_POSITIVE=1 also
# asks that a request the document calls valid is accepted or refused with the field named in Chinese.
# Takes half an hour or so.
FUZZ_EXAMPLES ?= 100
FUZZ_ROLES ?= all
fuzz: install-dev
	SPOTCHECK_ENV=testing SPOTCHECK_REQUIRE_SERVICES=1 SPOTCHECK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) SPOTCHECK_FUZZ_ROLES=$(FUZZ_ROLES) $(BIN)/python -m pytest tests/api/test_fuzz.py -q

# Benchmarks on the local PostgreSQL (a fresh database each): prints each figure beside its
# baseline with the ratio, writes bench/results/*.json and bench/RESULTS.md. Takes several minutes.
bench: install-dev pdf-libs
	SPOTCHECK_ENV=testing $(BIN)/python -m bench

# After changing UI strings: extract them, merge into the catalog, translate, compile.
translations: install-dev
	$(BIN)/pybabel extract --no-wrap -F babel.cfg -k _l -o /tmp/spotcheck-messages.pot .
	$(BIN)/pybabel update --no-wrap -i /tmp/spotcheck-messages.pot -d spotcheck/translations -l zh_Hans_CN
	$(BIN)/pybabel compile -d spotcheck/translations

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis node_modules $(VERIFIER_JS)
