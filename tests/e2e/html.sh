#!/usr/bin/env bash
# End-to-end: the page `facecurate report --html DIR` wrote, opened from disk
# by headless Chromium, as a teammate would open it (the page has no script,
# and its Content-Security-Policy would refuse one).
# Fails when Chromium cannot render it to a non-empty PNG.
# Usage: tests/e2e/html.sh PAGE.html [OUT.png]   (OUT defaults to a temporary file)
# Needs chromium (Debian: apt-get install -y chromium).
set -euo pipefail
page=$(realpath "${1:?usage: tests/e2e/html.sh PAGE.html [OUT.png]}")
[ -s "$page" ] || { echo "html e2e FAILED: $page is missing or empty" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium is required (apt-get install -y chromium)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${2:-$work/page.png}
rm -f "$out"
# Its own profile, so a browser already open does not take the page over;
# --no-sandbox because CI runs as root.
rc=0
timeout 120 "$browser" --headless --disable-gpu --no-sandbox --hide-scrollbars \
  --user-data-dir="$work/profile" \
  --window-size=1280,2000 --screenshot="$out" "file://$page" >"$work/log" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$work/log" >&2; echo "html e2e FAILED: chromium exited $rc" >&2; exit 1; }
[ -s "$out" ] || { cat "$work/log" >&2; echo "html e2e FAILED: no screenshot at $out" >&2; exit 1; }
[ "$(head -c 8 "$out" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || { echo "html e2e FAILED: $out is not a PNG" >&2; exit 1; }
echo "html e2e ok: $out ($(stat -c %s "$out") bytes)"
