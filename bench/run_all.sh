#!/usr/bin/env bash
# Every benchmark, one after another; each prints its figures and its targets. Exit status:
# 0 when every benchmark met its targets, 1 when one failed to run, 2 when a target was missed.
#
#   bench/run_all.sh            # everything (about 25 minutes on 2 cores)
#   bench/run_all.sh --quick    # the page, My day and load benchmarks only (about 4 minutes)
#
# Needs Redis on 127.0.0.1:6379 (database 4 is flushed: the page and load benchmarks start
# with a cold token cache); `bash .ci/services.sh` starts it if it is not running. The full
# run's several-servers benchmark also needs PostgreSQL on 127.0.0.1:5432 (it creates and
# drops a database of its own, flushes Redis database 15) and nginx (installed if absent).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0

run() {
  echo
  echo "== $*"
  "$PY" "$@"
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$status" -ne 1 ]; then status=$([ "$rc" -eq 2 ] && echo 2 || echo 1); fi
}

run bench/pages.py
run bench/my_day.py
run bench/load.py
if [ "${1:-}" != "--quick" ]; then
  run bench/plan_render.py
  run bench/options_grid.py
  run bench/sandbox_list.py
  run bench/audit_list.py
  run bench/audit_verify.py
  run bench/timeline.py
  run bench/promises_check.py
  run bench/several_servers.py
fi
echo
echo "== done (status $status)"
exit "$status"
