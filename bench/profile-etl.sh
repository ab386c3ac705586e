#!/usr/bin/env bash
# Where the CPU of an inline ETL read goes: starts one Release silo (Process runtime) with echo ETLs, loads it with wrk
# (random 1 MiB objects, 8 connections) once per path, samples the silo and its transformer with `perf record`, and
# prints a markdown table per path: the CPU per request split by process and kind of work, in milliseconds. The
# numbers behind bench/where-the-cpu-goes.md, which docs/BENCHMARKS.md carries.
#   bench/profile-etl.sh [--size BYTES] [--seconds N] [--warmup N] [--tcp] [--keep DIR] [PATH ...]
# PATH is plain, hpush, hrev, ws, hpull, hpush-fqn, ws-fqn (default: plain hpush hrev ws hpush-fqn). --tcp turns the
# Unix sockets between silo and transformers off (Etl:UnixSockets=false), to compare; --keep DIR keeps each path's
# perf.data (with the perf maps in /tmp) for `perf report`. Needs perf (linux-perf), wrk, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
size=$((1 << 20)) seconds=5 warmup=10 tcp=false keep= paths=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --tcp) tcp=true; shift ;;
    --keep) keep=$2; shift 2 ;;
    *) paths+=("$1"); shift ;;
  esac
done
[ ${#paths[@]} -gt 0 ] || paths=(plain hpush hrev ws hpush-fqn)
for tool in perf wrk curl; do command -v $tool >/dev/null || { echo "profile-etl: $tool is missing" >&2; exit 1; }; done

dotnet build silo/OrleansAis.Silo -c Release -nologo -v quiet >/dev/null
dotnet build etl-host/OrleansAis.EtlHost -c Release -nologo -v quiet >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/oais-profile.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
silo_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
gateway_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
silo_pid=
cleanup() {
  [ -n "$silo_pid" ] && kill "$silo_pid" 2>/dev/null && wait "$silo_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Managed frames are named through perf maps; W^X double mapping would hide them behind memfd:doublemapper.
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 dotnet silo/OrleansAis.Silo/bin/Release/net10.0/OrleansAis.Silo.dll \
  --clustering development --node-id p0 --data "$work/data" --silo-port "$silo_port" --gateway-port "$gateway_port" \
  --http-port "$port" --primary "127.0.0.1:$silo_port" --listen 127.0.0.1 --advertise 127.0.0.1 --cluster-state "$work/state" \
  --Etl:Runtime=process "--Etl:EtlHostCommand=dotnet $PWD/etl-host/OrleansAis.EtlHost/bin/Release/net10.0/etl-host.dll" \
  --Etl:UnixSockets=$([ $tcp = true ] && echo false || echo true) >"$work/silo.log" 2>&1 &
silo_pid=$!
for _ in $(seq 1 300); do curl -sf "$url/v1/health" >/dev/null && break; sleep 0.1; done
curl -sf -X PUT "$url/v1/buckets/prof" >/dev/null
head -c "$size" /dev/urandom >"$work/object"
for i in $(seq 0 63); do curl -sf -X PUT --data-binary @"$work/object" "$url/v1/objects/prof/o$i" >/dev/null; done
cat >"$work/random.lua" <<'EOF'
local query = os.getenv("QUERY") or ""
request = function() return wrk.format("GET", "/v1/objects/prof/o" .. math.random(0, 63) .. query) end
EOF

# Kinds of work, by the sampled symbol (kernel and native names are stable; managed frames come from perf maps).
categorize='
  function kind(dso, sym) {
    if (sym ~ /copy_(to|from)_iter|copy_page_to_iter|memmove|memcpy|copy_user/) return "copying bytes";
    if (sym ~ /^(tcp_|__tcp|ip_|__ip|__dev_queue|net_rx|__netif|process_backlog|__napi|skb_|__skb|__alloc_skb|sock_|__sock|__inet|inet_|unix_|__unix|handle_softirqs|__local_bh|do_softirq|release_sock|lock_sock|__kfree_skb|kfree_skb)/) return "socket stack";
    if (sym ~ /finish_task_switch|_raw_spin_unlock_irqrestore|__schedule|schedule|sched_yield|do_sched_yield|try_to_wake_up|futex|__futex|pick_next|enqueue_task|dequeue_task|ttwu/) return "scheduling, wake-ups, interrupts";
    if (dso ~ /kernel/) return "other kernel (syscalls, epoll, files)";
    if (dso ~ /perf-[0-9]+\.map|JIT|memfd|\.dll$/) return "managed code (JIT and ReadyToRun)";
    if (dso ~ /libcoreclr|libclrjit/) return ".NET runtime (GC, stubs, JIT)";
    if (dso ~ /libc\.so|ld-linux/) return "libc";
    return "other";
  }
  { split($0, f, "\t"); n[f[1] SUBSEP kind(f[2], f[3])]++ }
  END { for (k in n) { split(k, p, SUBSEP); printf "%s\t%s\t%d\n", p[1], p[2], n[k] } }'

query_of() {
  case "$1" in
    plain) echo "" ;;
    *) echo "?etl_name=prof-$1" ;;
  esac
}

for path in "${paths[@]}"; do
  if [ "$path" != plain ]; then
    communicator=${path%-fqn}
    argument=$([ "$path" != "$communicator" ] && echo fqn || echo "")
    curl -sf -X PUT "$url/v1/etl" -d "{\"name\":\"prof-$path\",\"communication\":\"$communicator://\",\"argument\":\"$argument\",\"runtime\":{\"command\":[\"etl-host\",\"echo\"]}}" >/dev/null
  fi
  query=$(query_of "$path")
  # Warm-up: a new transformer's code is still being compiled for seconds (tiered JIT); that is start-up, not the path.
  QUERY=$query wrk -t2 -c8 -d"${warmup}s" -s "$work/random.lua" "$url" >/dev/null
  pids=$(echo "$silo_pid"; pgrep -P "$silo_pid" || true)
  cpu_before=0; for p in $pids; do s=($(sed 's/.*) //' /proc/$p/stat)); cpu_before=$((cpu_before + s[11] + s[12])); done
  QUERY=$query wrk -t2 -c8 -d"${seconds}s" -s "$work/random.lua" "$url" >"$work/wrk.txt" &
  wrk_pid=$!
  perf record -F 499 -o "$work/perf.data" -p "$(echo $pids | tr ' ' ',')" -- sleep "$((seconds - 1))" >/dev/null 2>&1
  wait $wrk_pid
  cpu_after=0; for p in $pids; do s=($(sed 's/.*) //' /proc/$p/stat)); cpu_after=$((cpu_after + s[11] + s[12])); done
  requests=$(awk '/requests in/{print $1}' "$work/wrk.txt")
  per_request=$(echo "scale=4; ($cpu_after - $cpu_before) * 1000 / $(getconf CLK_TCK) / $requests" | bc)
  echo
  echo "**$path**: $(awk '/Requests\/sec/{printf "%.0f", $2}' "$work/wrk.txt") requests/s, $(printf '%.2f' "$per_request") ms CPU per request (silo tree)"
  echo
  echo "| kind of work | silo ms/request | transformer ms/request |"
  echo "| --- | ---: | ---: |"
  # Each sample's share of all samples, times the measured CPU per request: milliseconds per request by kind.
  perf script -i "$work/perf.data" -F pid,ip,sym,dso -G 2>/dev/null \
    | awk 'NF >= 3 { pid=$1; dso=$NF; gsub(/[()]/, "", dso); $1=""; $2=""; $NF=""; sym=$0; gsub(/^ +| +$/, "", sym); print pid "\t" dso "\t" sym }' \
    | awk -F'\t' "$categorize" \
    | awk -F'\t' -v silo="$silo_pid" -v ms="$per_request" '
        { who = ($1 == silo) ? "silo" : "transformer"; n[$2, who] += $3; kinds[$2] = 1; total += $3 }
        END {
          for (k in kinds) printf "| %s | %.3f | %.3f |\n", k, ms * n[k, "silo"] / total, ms * n[k, "transformer"] / total
        }' | sort -t'|' -k3,3nr
  if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$work/perf.data" "$keep/$path.perf.data"; fi
  if [ "$path" != plain ]; then curl -sf -X DELETE "$url/v1/etl/prof-$path" >/dev/null; fi
done
