#!/usr/bin/env bash
# Stops the dockerd that .ci/docker-up.sh started (its pid is in $OAIS_DOCKERD_PIDFILE, default
# ${TMPDIR:-/tmp}/oais-dockerd.pid). An engine docker-up.sh only reused has no pid file and is left alone.
set -uo pipefail
pidfile=${OAIS_DOCKERD_PIDFILE:-${TMPDIR:-/tmp}/oais-dockerd.pid}
[ -s "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
rm -f "$pidfile"
# Only a live dockerd: the pid may have been reused since.
case "$(cat "/proc/$pid/cmdline" 2>/dev/null | tr '\0' ' ')" in
  *dockerd*) ;;
  *) exit 0 ;;
esac
kill -TERM "$pid" 2>/dev/null || exit 0
for _ in $(seq 1 150); do
  kill -0 "$pid" 2>/dev/null || { echo "docker-down: stopped dockerd (pid $pid)"; exit 0; }
  sleep 0.1
done
echo "docker-down: dockerd (pid $pid) still running after 15 s; sending SIGKILL" >&2
kill -KILL "$pid" 2>/dev/null || true
