#!/usr/bin/env bash
# mmm_report in a browser. A small model named <script>alert(1)</script> is fitted on the first
# 120 weeks of a simulated data set, monitored on the rest and backtested under its name; its
# report, written to a file, is
# rendered by headless Chromium: the page is not blank (its screenshot has colours and ink),
# every section and its heading are in the rendered DOM, the browser logs no console message
# (the page has no scripts, so any message is an error: a blocked resource, a parse error), and
# the name shows as text: the DOM has no <script> element and the title holds the name. The
# report of a geo panel renders too. Needs the extension installed (scripts/test installs it)
# and Chromium (scripts/setup; PG_MMM_CHROMIUM overrides /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
cluster_start
fail() {
  echo "report: $* (files in ${out:-nowhere yet})" >&2
  echo "0 passed, 1 failed: report" >&2
  exit 1
}
chromium=${PG_MMM_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || fail "Chromium not found at $chromium: apt-get install -y chromium, or set PG_MMM_CHROMIUM"
# Kept when the test fails, for a look at the page, its DOM, screenshot and Chromium's log.
out=$(mktemp -d /tmp/pg_mmm_report.XXXXXX)

name='<script>alert(1)</script>'
psql -X -q -v ON_ERROR_STOP=1 -v name="$name" >/dev/null <<'SQL'
CREATE EXTENSION pg_mmm;
CREATE TABLE weekly AS
SELECT date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'social')::float8 AS social
FROM mmm_simulate('tv_social_search', seed => 1);
CREATE TABLE training AS SELECT * FROM weekly ORDER BY week LIMIT 120;
SELECT mmm_fit('training', 'week', 'sales', ARRAY['tv', 'social'], name => :'name',
               config => '{"chains": 2, "tune": 150, "draws": 100, "seed": 1, "progress": false}');
SELECT count(*) FROM mmm_monitor(:'name', source => 'weekly');
SELECT count(*) FROM mmm_backtest('weekly', 'week', 'sales', ARRAY['tv', 'social'], name => :'name',
                                  refit_every => '1 year', horizon => '3 months',
                                  config => '{"chains": 1, "tune": 100, "draws": 50, "seed": 1, "progress": false, "keep_models": false}');
CREATE TABLE regions AS
SELECT geo AS region, date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv, (spend ->> 'radio')::float8 AS radio
FROM mmm_simulate_panel('geo_panel', seed => 3, geos => 2, weeks => 60);
SELECT mmm_fit('regions', 'week', 'sales', ARRAY['tv', 'radio'], geo_column => 'region', name => 'regions',
               config => '{"chains": 1, "tune": 100, "draws": 50, "seed": 1, "progress": false}');
SQL
psql -X -At -v ON_ERROR_STOP=1 -v name="$name" <<<"SELECT mmm_report(:'name')" >"$out/report.html" ||
  fail "mmm_report of the model failed"
psql -X -At -v ON_ERROR_STOP=1 -c "SELECT mmm_report('regions')" >"$out/panel.html" ||
  fail "mmm_report of a geo panel failed"

sections=("diagnostics:Diagnostics and promotion" "summary:Posterior summary" "roas:Return on ad spend"
  "decomposition:Decomposition" "response-curves:Response curves" "allocation:Budget allocation"
  "monitoring:Monitoring" "backtest:Backtest")

# Renders $1 (an .html file) to $1.dom, $1.png and $1.log with a private profile.
render() {
  local html=$1 run
  for run in dom png; do
    local args=(--dump-dom)
    [ $run = png ] && args=(--screenshot="$html.png" --window-size=1000,2400 --hide-scrollbars)
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=1 \
      --user-data-dir="$out/profile-$run" "${args[@]}" "file://$html" >"$html.$run.out" 2>>"$html.log" </dev/null ||
      fail "Chromium failed on $html (see $html.log)"
  done
  mv "$html.dom.out" "$html.dom"
}

check() {
  local html=$1 what=$2 pair id heading
  render "$html"
  local dom=$html.dom
  grep -q '</html>' "$dom" || fail "$what: Chromium dumped no document"
  # A <script element anywhere in the DOM, even one the name did not create, fails.
  ! grep -qi '<script' "$dom" || fail "$what: the rendered DOM has a <script> element"
  for pair in "${sections[@]}"; do
    id=${pair%%:*}
    heading=${pair#*:}
    grep -q "<section id=\"$id\"><h2>$heading</h2>" "$dom" ||
      fail "$what: section $id (\"$heading\") is not in the rendered DOM"
  done
  # Chromium logs every console message as a CONSOLE line; a page without scripts has none
  # unless something went wrong.
  if grep -q 'CONSOLE' "$html.log"; then
    grep 'CONSOLE' "$html.log" >&2
    fail "$what: the browser logged console messages"
  fi
  # The screenshot: several colours (the charts' palette) and at least 5% of it not white.
  python3 - "$html.png" "$what" <<'PY' || fail "$what: the screenshot looks blank"
import struct, sys, zlib

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert depth == 8 and colour in (2, 6) and interlace == 0, f"unexpected PNG format {depth}/{colour}/{interlace}"
bpp = 3 if colour == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
previous, colours, white = bytearray(stride), set(), 0
for y in range(height):
    kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = previous[i], previous[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + a) & 255
        elif kind == 2:
            line[i] = (line[i] + b) & 255
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        pixel = bytes(line[x:x + 3])
        colours.add(pixel)
        white += min(pixel) >= 250
    previous = line
ink = 1 - white / (width * height)
print(f"report: {sys.argv[2]}: {width}x{height} screenshot, {len(colours)} colours, {100 * ink:.1f}% not white")
assert len(colours) >= 16 and ink >= 0.05
PY
}

check "$out/report.html" "the report of $name"
title=$(grep -o '<title>[^<]*</title>' "$out/report.html.dom")
[ "$title" = "<title>Marketing-mix model &lt;script&gt;alert(1)&lt;/script&gt;</title>" ] ||
  fail "the title is $title, not the model's name as text"
grep -q '<div class="label">verdict</div><div class="value">' "$out/report.html.dom" ||
  fail "the monitoring run is not in the report"
grep -q 'No backtest named' "$out/report.html.dom" && fail "the backtest of the model's name is not in the report"
check "$out/panel.html" "the report of a geo panel"
grep -q '<td>all geos</td>' "$out/panel.html.dom" || fail "the panel's report has no totals over geos"
echo "1 passed, 0 failed: report (a model named $name and a geo panel render in Chromium with every section, no console message, the name as text)"
rm -rf "$out"
