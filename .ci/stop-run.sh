#!/usr/bin/env bash
# Stops what one test run started and left running, as recorded in its run folder ($1, the OAIS_RUN_DIR the run
# exported; see tests/Shared/RunRegistry.cs): the processes in pids/ (only if each pid still is the process that was
# recorded, compared by start time) and the cluster.sh clusters in clusters/. Nothing else is touched, so silos and
# clusters that other runs or developers started on this machine keep running. Removes the folder at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

run_dir=${1:?usage: .ci/stop-run.sh RUN_DIR}
[ -d "$run_dir" ] || exit 0

# Field 22 of /proc/PID/stat (start time in clock ticks since boot); the command name may hold spaces.
start_time() {
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  rest=${stat##*) }
  # shellcheck disable=SC2086 # split the fields on purpose
  set -- $rest
  echo "${20}"
}

recorded_pids=()
for file in "$run_dir"/pids/*; do
  [ -f "$file" ] || continue
  read -r pid recorded <"$file" || continue
  if [ "$(start_time "$pid")" = "$recorded" ]; then
    echo "stop-run: stopping pid $pid, left running by this run" >&2
    kill -TERM "$pid" 2>/dev/null || true
    recorded_pids+=("$pid")
  fi
done
# A silo stops its transformers on SIGTERM; give it the time, then kill what is still there.
for _ in $(seq 1 100); do
  left=0
  for pid in "${recorded_pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
  [ "$left" = 0 ] && break
  sleep 0.1
done
for pid in "${recorded_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done

for file in "$run_dir"/clusters/*; do
  [ -f "$file" ] || continue
  dir=$(cat "$file")
  # Only a folder cluster.sh made (it holds cluster.env) is stopped and then deleted.
  [ -n "$dir" ] && [ -f "$dir/cluster.env" ] || continue
  echo "stop-run: stopping cluster $dir, left running by this run" >&2
  scripts/cluster.sh stop --base-dir "$dir" >/dev/null 2>&1 || true
  rm -rf "$dir"
done

rm -rf "$run_dir"
