#!/usr/bin/env bash
# Debian packages masa needs beyond Python: Pango for WeasyPrint's PDFs (chronology exports) and,
# for the test suite only, Chromium for the browser journeys. Installs what is missing when it can
# (root or sudo); otherwise says what is missing and leaves the decision to the caller.
#   scripts/system-packages.sh runtime   Pango only
#   scripts/system-packages.sh test      Pango and Chromium
set -uo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0)
[ "${1:-runtime}" = "test" ] && want+=(chromium)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
elif command -v sudo >/dev/null; then
  (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
else
  echo "Cannot install ${missing[*]}: run as root or with sudo." >&2
  # The demo runs without Pango (only PDF exports need it); the test suite needs everything.
  [ "${1:-runtime}" = "test" ] && exit 1
  echo "masa will run, but PDF exports will fail until Pango is installed." >&2
fi
