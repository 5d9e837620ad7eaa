#!/usr/bin/env bash
# The whole test suite: lint, unit and integration tests on SQLite and on PostgreSQL, and the
# browser journeys (Playwright driving Debian's Chromium, with axe) once, on PostgreSQL.
# In CI (CI=true) a missing PostgreSQL or browser fails the run; it is never skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${MASA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/masa}"
CHROMIUM="${MASA_CHROMIUM:-/usr/bin/chromium}"
started=$(date +%s)

step() { printf '\n== %s\n' "$*"; }

step "Debian packages: Pango (PDF exports) and Chromium (browser journeys)"
bash scripts/system-packages.sh test || [ "${CI:-}" != "true" ] || exit 1
have_browser=0; [ -x "$CHROMIUM" ] && have_browser=1
if [ "$have_browser" = 0 ]; then
  echo "Chromium is not installed at $CHROMIUM and could not be installed." >&2
  [ "${CI:-}" = "true" ] && exit 1
fi

step "Lint: ruff, mypy, djlint"
$BIN/ruff check src tests benchmarks
$BIN/ruff format --check src tests benchmarks
$BIN/mypy
$BIN/djlint src/masa --lint --quiet

step "Tests on SQLite"
env -u DATABASE_URL $BIN/pytest -m "not browser" -q -p no:cacheprovider

have_pg=0
if $BIN/python - "$PG_URL" <<'PY' 2>/dev/null; then have_pg=1; fi
import sys, psycopg
url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
psycopg.connect(url, connect_timeout=3).close()
PY

browser_args=()
[ "$have_browser" = 1 ] || browser_args=(-m "not browser")

if [ "$have_pg" = 1 ]; then
  step "Tests on PostgreSQL, with the browser journeys"
  DATABASE_URL="$PG_URL" MASA_CHROMIUM="$CHROMIUM" $BIN/pytest -q -p no:cacheprovider --create-db "${browser_args[@]}"
else
  echo "PostgreSQL is not reachable at $PG_URL." >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  # The live server shares the test database with the browser thread, which the in-memory
  # SQLite test database does not allow: the journeys need PostgreSQL.
  echo "Browser journeys skipped: they need PostgreSQL (start it, or set MASA_TEST_POSTGRES_URL)." >&2
fi
echo "All checks passed in $(( $(date +%s) - started )) seconds."
