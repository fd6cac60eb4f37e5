#!/usr/bin/env bash
# Every release has an upgrade script from the one before it: the releases are CHANGELOG.md's
# "## x.y.z" headings, newest first, and the newest must be the crate's version. A stray
# upgrade script (between versions that are not consecutive releases) is an error too.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() {
  echo "upgrade_scripts: $*" >&2
  exit 1
}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
mapfile -t releases < <(sed -n 's/^## \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\)\b.*/\1/p' CHANGELOG.md)
[ "${releases[0]:-}" = "$version" ] ||
  fail "the crate's version is $version, CHANGELOG.md's newest release ${releases[0]:-none}: add its section"
expected=()
for ((i = 0; i + 1 < ${#releases[@]}; i++)); do
  to=${releases[i]} from=${releases[i + 1]}
  script=sql/pg_mmm--$from--$to.sql
  expected+=("$script")
  [ -f "$script" ] || fail "release $to has no upgrade script from $from: $script"
  guard="\\echo Use \"ALTER EXTENSION pg_mmm UPDATE TO '$to'\" to load this file. \\quit"
  [ "$(head -1 "$script")" = "$guard" ] || fail "$script does not start with: $guard"
done
for script in sql/pg_mmm--*--*.sql; do
  [ -e "$script" ] || continue
  [[ " ${expected[*]} " == *" $script "* ]] || fail "$script does not upgrade one release to the next"
done
echo "1 passed, 0 failed: upgrade_scripts (${#expected[@]} upgrade scripts for ${#releases[@]} releases, newest $version)"
