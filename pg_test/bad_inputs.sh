#!/usr/bin/env bash
# The bad-input suite (pg_test/bad_inputs.py) on a cluster of its own: every generated bad call
# ends in a clean ERROR with nothing written and its backend alive, and the server log shows no
# backend terminated by a signal and no PANIC. Needs the extension installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
cluster_start
createdb bad_inputs
status=0
BAD_INPUTS_LOG=${BAD_INPUTS_LOG:-/dev/null} python3 pg_test/bad_inputs.py bad_inputs || status=$?
if grep -E "terminated by signal|PANIC" "$CLUSTER_DIR/server.log" >&2; then
  echo "bad_inputs: the server log shows a crash" >&2
  status=1
fi
if ((status)); then
  echo "0 passed, 1 failed: bad_inputs" >&2
  exit 1
fi
echo "1 passed, 0 failed: bad_inputs (server log: no backend terminated by a signal, no PANIC)"
