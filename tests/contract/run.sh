#!/usr/bin/env bash
# Contract fuzzing of a localzoom binary against the vendored Zoom specs (schemathesis).
#
#   tests/contract/run.sh BINARY [SECONDS]
#
# SECONDS (or $CONTRACT_SECONDS) is the budget of the fuzzing run for both specs together,
# default 240. The venv lives in ${CONTRACT_VENV:-target/contract-venv} (relative paths are taken
# from the repository root) and is (re)filled from requirements.txt when that file changes.
# Other knobs: CONTRACT_SEED, CONTRACT_MAX_EXAMPLES, CONTRACT_DUMP=FILE (every exchange as JSON lines).
# Exits non-zero on any failure that allowlist.json does not cover.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BINARY [SECONDS]" >&2
  exit 2
fi
binary="$1"
seconds="${2:-${CONTRACT_SECONDS:-240}}"

venv="${CONTRACT_VENV:-target/contract-venv}"
case "$venv" in
  /*) ;;
  *) venv="$repo/$venv" ;;
esac

python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$want" >"$stamp"
fi

# The harness keeps to its budget by itself (deadlines inside); `timeout` is the backstop should
# anything hang, well past the budget (the harness stops its server on SIGTERM).
exec timeout --signal=TERM --kill-after=30 "$((seconds + 120))" \
  "$venv/bin/python" "$here/harness.py" "$binary" --seconds "$seconds"
