#!/usr/bin/env bash
# The docs step of `make test`: the strict MkDocs build, failing on any warning (mkdocs --strict
# alone lets griffe's docstring warnings through with -q and still exits 0), then screenshots of
# the main pages with headless Chromium into build/site-screenshots/ (kept as build artifacts, so
# a person can look at the site as a user sees it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$root/.venv}
site=$root/site
shots=$root/build/site-screenshots
cd "$root"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! NO_MKDOCS_2_WARNING=1 "$venv/bin/mkdocs" build --strict -d "$site" >"$log" 2>&1; then
  cat "$log" >&2
  echo "docs: mkdocs build --strict failed" >&2
  exit 1
fi
if grep -E "^(WARNING|ERROR)|griffe:" "$log" >&2; then
  echo "docs: the build printed warnings (above); fix them" >&2
  exit 1
fi

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "docs: no headless Chromium for the screenshots (apt-get install chromium)" >&2
  exit 1
fi
rm -rf "$shots" && mkdir -p "$shots"
for page in index getting-started choosing hashes performance cli api; do
  path=$site/$page/index.html
  [ "$page" = index ] && path=$site/index.html
  [ -f "$path" ] || { echo "docs: $path was not built" >&2; exit 1; }
  # A fresh profile per page: no state shared between shots or with any other Chromium.
  profile=$(mktemp -d)
  height=1600
  [ "$page" = api ] && height=4000  # past the error table, into the first functions and examples
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --window-size=1280,$height --screenshot="$shots/$page.png" "file://$path" >/dev/null 2>&1 || true
  rm -rf "$profile"
  # A blank or failed render is a few KB; a rendered page with text is far larger.
  size=$(stat -c %s "$shots/$page.png" 2>/dev/null || echo 0)
  if [ "$size" -lt 20000 ]; then
    echo "docs: the screenshot of $page is missing or blank ($size bytes)" >&2
    exit 1
  fi
done
echo "docs: site built without warnings; screenshots in ${shots#"$root"/}"
