#!/usr/bin/env bash
# Makes a Docker engine answer and the etl-host image exist, offline:
#  1. reuses an engine that already answers (`docker info`), else installs docker.io when missing and starts
#     `dockerd --iptables=false --bridge=none` in the background (log in a temp file), waiting up to 60 s;
#  2. runs etl-host/build-image.sh (base image from the ${OAIS_CACHE:-~/.cache/oais} tar or debootstrap, then
#     the oais/etl-host:latest image), then `build-image.sh python` (oais/etl-python:latest, for runtime.python).
# Only when THIS script started the daemon does it write the daemon's pid to $OAIS_DOCKERD_PIDFILE (default
# ${TMPDIR:-/tmp}/oais-dockerd.pid); .ci/docker-down.sh with the same variable stops that daemon and nothing else.
# Run it (don't source it). Knobs: OAIS_DOCKERD_ARGS (extra dockerd arguments, e.g. a second daemon's
# --data-root/--exec-root/-H; pair it with DOCKER_HOST), OAIS_SKIP_IMAGE=1 (engine only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
docker=/usr/bin/docker
pidfile=${OAIS_DOCKERD_PIDFILE:-${TMPDIR:-/tmp}/oais-dockerd.pid}
sudo=; [ "$(id -u)" = 0 ] || sudo=sudo

answers() { "$docker" info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

if [ -x "$docker" ] && answers; then
  echo "docker-up: reusing the engine that answers ($("$docker" info --format 'server {{.ServerVersion}}, {{.Driver}}' 2>/dev/null))"
else
  if [ ! -x "$docker" ] || { ! command -v dockerd >/dev/null && [ ! -x /usr/sbin/dockerd ]; }; then
    echo "docker-up: installing docker.io"
    started=$(date +%s)
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends docker.io >/dev/null
    echo "docker-up: docker.io installed in $(( $(date +%s) - started )) s"
  fi
  dockerd=$(command -v dockerd || echo /usr/sbin/dockerd)
  log=$(mktemp "${TMPDIR:-/tmp}/oais-dockerd.XXXXXX.log")
  # shellcheck disable=SC2086 # OAIS_DOCKERD_ARGS is a word list on purpose
  $sudo nohup "$dockerd" --iptables=false --bridge=none ${OAIS_DOCKERD_ARGS:-} >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    answers && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "docker-up: dockerd exited before answering; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  if ! answers; then
    echo "docker-up: dockerd (pid $pid) did not answer within 60 s; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  echo "$pid" >"$pidfile"
  echo "docker-up: started dockerd (pid $pid, log $log, pid file $pidfile)"
fi

if [ "${OAIS_SKIP_IMAGE:-}" = 1 ]; then exit 0; fi
build="$root/etl-host/build-image.sh"
if [ ! -f "$build" ]; then
  echo "docker-up: $build is missing; cannot build oais/etl-host:latest" >&2
  exit 1
fi
started=$(date +%s)
bash "$build"
echo "docker-up: etl-host image ready in $(( $(date +%s) - started )) s"
# The Python SDK image for runtime.python on the Docker runtime (its own debootstrapped python3 base, cached likewise).
started=$(date +%s)
bash "$build" python
echo "docker-up: etl-python image ready in $(( $(date +%s) - started )) s"
