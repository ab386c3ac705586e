#!/usr/bin/env bash
# Regenerates docs/BENCHMARKS.md in one command: builds the silo, the etl-host (the transformers of the ETL
# scenarios) and the benchmark harness in Release, installs nginx (the HTTP baseline, with its DAV module for PUT)
# and wrk (a second-opinion load generator) when missing, then runs the whole matrix (about 15 minutes on 2 cores).
# The harness starts and stops its own silo and nginx processes on free loopback ports, with data in a temp folder.
# Extra arguments go to the harness, e.g. `bench/run-benchmarks.sh --scenario etl-inline --duration 2` (see --help);
# a run with --scenario writes only that section, so give it --output /tmp/some.md for a quick look.
# Scenarios, in the order of the report (BenchmarkRunner.All): client-api, client-read, http-put-get, http-get,
# etl-inline, etl-offline, etl-follow.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PATH="$PATH:/usr/sbin:/sbin"

missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} ..."
  apt-get update -qq
  # RUNLEVEL=1: do not start the system nginx service; the harness runs its own nginx with its own config.
  RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

dotnet build silo/OrleansAis.Silo -c Release -nologo -v quiet
dotnet build etl-host/OrleansAis.EtlHost -c Release -nologo -v quiet
dotnet build bench/OrleansAis.Benchmarks -c Release -nologo -v quiet

# docs/BENCHMARKS.md unless the caller names another --output (the harness takes each option once).
output=(--output docs/BENCHMARKS.md)
for arg in "$@"; do
  case "$arg" in --output|--output=*) output=() ;; esac
done

exec dotnet bench/OrleansAis.Benchmarks/bin/Release/net10.0/OrleansAis.Benchmarks.dll \
  --silo silo/OrleansAis.Silo/bin/Release/net10.0/OrleansAis.Silo.dll \
  --etl-host etl-host/OrleansAis.EtlHost/bin/Release/net10.0/etl-host.dll \
  --nginx "$(command -v nginx)" --wrk "$(command -v wrk)" \
  "${output[@]}" \
  --command "bench/run-benchmarks.sh${*:+ $*}" \
  "$@"
