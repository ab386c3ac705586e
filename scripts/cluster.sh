#!/usr/bin/env bash
# A real multi-process OrleansAis cluster on this machine: its own redis-server (membership and the cluster-wide
# registries) and N silo processes, each with its own node id, data folder and silo/gateway/HTTP ports.
# Everything lives under one base folder (default ./.cluster): pid files, logs, data. `stop` stops only the
# processes whose pid files are there, after checking that each pid still runs the command this script started.
#
#   scripts/cluster.sh start N [options] [-- extra silo arguments]
#   scripts/cluster.sh status | stop | add | kill NODE | restart NODE     [--base-dir D]
#
# NODE is a node id or a node's index (0, 1, ...). Run with --help for the options.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PATH="$PATH:/usr/sbin:/sbin"

usage() {
  cat <<'EOF'
usage: scripts/cluster.sh COMMAND [options] [-- extra silo arguments]

commands:
  start N       start (or bring back) a cluster of N silos and its redis-server; waits until every silo sees all N
  status        each silo's state and endpoints; exit code 0 only when every silo runs and answers /v1/health
  stop          stop the silos (SIGTERM, then SIGKILL after 30 s) and the redis-server this script started
  add           start one more silo that joins the running cluster
  kill NODE     kill -9 one silo (a crash: no graceful leave)
  restart NODE  stop one silo if it runs, start it again with the same node id, ports and data; wait until it rejoined

options (start; the others read what start saved in the base folder):
  --base-dir D        folder for pid files, logs and data (default: $OAIS_CLUSTER_DIR or ./.cluster)
  --http-port P       first silo's HTTP port; the next silos take the next free ports (default 8080)
  --silo-port P       first silo-to-silo port (default 11111)
  --gateway-port P    first Orleans gateway port (default 30000)
  --redis-port P      port of the redis-server this script starts (default: first free from 6379)
  --redis CONN        use this Redis (StackExchange.Redis connection string) instead of starting one
  --advertise HOST    address the silos give each other and clients (default 127.0.0.1; another address also
                      makes them listen on all interfaces)
  --node-prefix X     node ids are X0, X1, ... (default: node-<hash of the base folder>-)
  --silo-dll PATH     the built OrleansAis.Silo.dll (default: newest of bin/Release and bin/Debug; built in
                      Release when neither exists)
  --timeout S         how long to wait for silos to become healthy (default 120)
  -- ARGS             extra silo arguments, kept for add and restart (e.g. -- --Etl:Runtime=process)
EOF
}

die() { echo "cluster.sh: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }

# ---------------------------------------------------------------- arguments
command=${1:-}
[ -n "$command" ] || { usage >&2; exit 2; }
shift
case "$command" in -h|--help|help) usage; exit 0 ;; esac

count="" node_arg="" base="${OAIS_CLUSTER_DIR:-$PWD/.cluster}"
http_base="" silo_base="" gateway_base="" redis_port="" redis_conn="" advertise="" node_prefix="" silo_dll="" timeout=120
extra_args=() extra_given=0
while [ $# -gt 0 ]; do
  case "$1" in
    --base-dir) base=$2; shift 2 ;;
    --http-port) http_base=$2; shift 2 ;;
    --silo-port) silo_base=$2; shift 2 ;;
    --gateway-port) gateway_base=$2; shift 2 ;;
    --redis-port) redis_port=$2; shift 2 ;;
    --redis) redis_conn=$2; shift 2 ;;
    --advertise) advertise=$2; shift 2 ;;
    --node-prefix) node_prefix=$2; shift 2 ;;
    --silo-dll) silo_dll=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra_args=("$@"); extra_given=1; break ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *)
      case "$command" in
        start) [ -z "$count" ] || die "start takes one count"; count=$1 ;;
        kill|restart) [ -z "$node_arg" ] || die "$command takes one node"; node_arg=$1 ;;
        *) die "unexpected argument '$1' for $command" ;;
      esac
      shift ;;
  esac
done
for n in "$http_base" "$silo_base" "$gateway_base" "$redis_port" "$timeout"; do
  [ -z "$n" ] || [[ "$n" =~ ^[0-9]+$ ]] || die "'$n' is not a number"
done

mkdir -p "$base"
base=$(cd "$base" && pwd)
state="$base/cluster.env"
nodes_dir="$base/nodes"

# ---------------------------------------------------------------- helpers
port_in_use() {
  if command -v ss >/dev/null; then
    ss -Htln "( sport = :$1 )" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Ports already given to a node of this cluster (running or not), so a stopped node keeps its ports.
assigned_ports() { cat "$nodes_dir"/*/node.env 2>/dev/null | sed -n 's/^[A-Z_]*PORT=//p'; }

# The first port from $1 up that is neither in use nor assigned to a node of this cluster.
next_free_port() {
  local p=$1 taken
  taken=$(assigned_ports)
  while port_in_use "$p" || grep -qx "$p" <<<"$taken"; do p=$((p + 1)); done
  echo "$p"
}

# True while process $1 exists and is not a zombie (a killed silo's parent may be slow to reap it).
alive() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# True when the pid in file $1 is alive and its command line contains $2 (so a recycled pid is never signalled).
pid_is_ours() {
  local file=$1 marker=$2 pid
  [ -s "$file" ] || return 1
  pid=$(cat "$file")
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
}

# Node folders in index order.
node_dirs() {
  local f
  for f in "$nodes_dir"/*/node.env; do [ -f "$f" ] && echo "$(sed -n 's/^INDEX=//p' "$f") $(dirname "$f")"; done \
    | sort -n | cut -d' ' -f2-
}

load_node() { # sets NODE_ID INDEX SILO_PORT GATEWAY_PORT HTTP_PORT dir
  dir=$1
  # shellcheck disable=SC1091
  source "$dir/node.env"
}

node_running() { pid_is_ours "$1/silo.pid" "--node-id $(sed -n 's/^NODE_ID=//p' "$1/node.env") "; }

resolve_node() {
  local d
  for d in $(node_dirs); do
    load_node "$d"
    if [ "$NODE_ID" = "$1" ] || [ "$INDEX" = "$1" ]; then echo "$d"; return 0; fi
  done
  die "no node '$1' in $base (see: scripts/cluster.sh status --base-dir $base)"
}

http_url() { echo "http://$ADVERTISE:$HTTP_PORT"; }

save_state() {
  {
    echo "REDIS_CONN=$(printf '%q' "$REDIS_CONN")"
    echo "REDIS_OWNED=$REDIS_OWNED"
    echo "REDIS_PORT=${REDIS_PORT:-}"
    echo "ADVERTISE=$(printf '%q' "$ADVERTISE")"
    echo "NODE_PREFIX=$(printf '%q' "$NODE_PREFIX")"
    echo "SILO_DLL=$(printf '%q' "$SILO_DLL")"
    echo "HTTP_BASE=$HTTP_BASE SILO_BASE=$SILO_BASE GATEWAY_BASE=$GATEWAY_BASE"
    printf 'SILO_ARGS=('; printf '%q ' "${SILO_ARGS[@]+"${SILO_ARGS[@]}"}"; echo ')'
  } >"$state"
}

load_state() {
  [ -f "$state" ] || die "no cluster in $base (start one with: scripts/cluster.sh start N --base-dir $base)"
  SILO_ARGS=()
  # shellcheck disable=SC1090
  source "$state"
  # Options given now override what start saved (e.g. a rebuilt dll, a longer timeout).
  [ -z "$silo_dll" ] || SILO_DLL=$silo_dll
  [ "$extra_given" = 0 ] || SILO_ARGS=("${extra_args[@]+"${extra_args[@]}"}")
}

find_silo_dll() {
  if [ -n "$silo_dll" ]; then
    [ -f "$silo_dll" ] || die "--silo-dll $silo_dll does not exist"
    (cd "$(dirname "$silo_dll")" && echo "$PWD/$(basename "$silo_dll")")
    return
  fi
  local candidates
  candidates=$(ls -t "$repo"/silo/OrleansAis.Silo/bin/{Release,Debug}/net10.0/OrleansAis.Silo.dll 2>/dev/null || true)
  if [ -z "$candidates" ]; then
    log "building the silo (Release) ..."
    dotnet build "$repo/silo/OrleansAis.Silo" -c Release -nologo -v quiet >&2
    candidates="$repo/silo/OrleansAis.Silo/bin/Release/net10.0/OrleansAis.Silo.dll"
  fi
  head -n1 <<<"$candidates"
}

# redis-server for membership, curl for the health checks: Debian packages, installed when missing.
ensure_tools() {
  local missing=()
  if [ "$REDIS_OWNED" = 1 ]; then
    command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
  fi
  command -v curl >/dev/null || missing+=(curl)
  [ ${#missing[@]} -gt 0 ] || return 0
  [ "$(id -u)" = 0 ] || die "${missing[*]} missing; install with: sudo apt-get install ${missing[*]}"
  log "installing ${missing[*]} ..."
  apt-get update -qq
  # RUNLEVEL=1: do not start the system service; this script runs its own redis-server in the base folder.
  RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

redis_running() { [ "$REDIS_OWNED" = 1 ] && pid_is_ours "$base/redis/redis.pid" "redis-server" && redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  [ "$REDIS_OWNED" = 1 ] || return 0
  if redis_running; then return 0; fi
  mkdir -p "$base/redis"
  if [ -z "$REDIS_PORT" ] || port_in_use "$REDIS_PORT"; then
    [ -z "$REDIS_PORT" ] || [ -n "$redis_port" ] || log "redis port $REDIS_PORT is taken now; choosing another"
    [ -z "$redis_port" ] || ! port_in_use "$redis_port" || die "--redis-port $redis_port is in use"
    REDIS_PORT=${redis_port:-$(next_free_port 6379)}
  fi
  local attempt i
  for attempt in 1 2 3 4 5; do
    REDIS_CONN="127.0.0.1:$REDIS_PORT"
    rm -f "$base/redis/redis.pid"
    # Append-only file: membership and the bucket/ETL/job registries survive a stop and start of the cluster.
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$base/redis" --daemonize yes \
      --pidfile "$base/redis/redis.pid" --logfile "$base/redis/redis.log" \
      --appendonly yes --appendfsync everysec --save "" </dev/null >/dev/null 2>>"$base/redis/redis.log" \
      || die "redis-server did not start; see $base/redis/redis.log"
    for i in $(seq 1 100); do
      # The server answering must be ours: another cluster started at the same moment may have taken the same free port.
      if [ -s "$base/redis/redis.pid" ] && [ "$(redis-cli -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')" = "$(cat "$base/redis/redis.pid")" ]; then
        log "redis-server on $REDIS_CONN (data: $base/redis)"
        return 0
      fi
      pid_is_ours "$base/redis/redis.pid" "redis-server" || [ ! -s "$base/redis/redis.pid" ] || break # ours exited: the port was taken
      sleep 0.1
    done
    [ -z "$redis_port" ] || die "redis-server did not answer on port $REDIS_PORT; see $base/redis/redis.log"
    log "redis port $REDIS_PORT was taken meanwhile; choosing another"
    REDIS_PORT=$(next_free_port $((REDIS_PORT + 1)))
  done
  die "redis-server did not start on any port tried; see $base/redis/redis.log"
}

new_node() { # $1 = index; creates the node's folder with its id and ports
  local index=$1 id
  id="${NODE_PREFIX}${index}"
  mkdir -p "$nodes_dir/$id/data"
  local http silo gateway
  http=$(next_free_port $((HTTP_BASE + index)))
  echo "HTTP_PORT=$http" >"$nodes_dir/$id/node.env" # reserve before choosing the next
  silo=$(next_free_port $((SILO_BASE + index)))
  echo "SILO_PORT=$silo" >>"$nodes_dir/$id/node.env"
  gateway=$(next_free_port $((GATEWAY_BASE + index)))
  { echo "GATEWAY_PORT=$gateway"; echo "INDEX=$index"; echo "NODE_ID=$id"; } >>"$nodes_dir/$id/node.env"
  echo "$nodes_dir/$id"
}

# Anonymous S3 access is off by default, so the cluster gets one S3 key pair, made on the first start and kept in the
# base folder (every silo must accept the same key: a request proxied to its owner is verified again there). A key given
# in the extra silo arguments (-- --S3:Credentials:0:AccessKey=...) wins over it.
s3_keys() {
  local file="$base/s3-credentials.env"
  if [ ! -s "$file" ]; then
    ( umask 077
      printf 'AWS_ACCESS_KEY_ID=OAIS%s\nAWS_SECRET_ACCESS_KEY=%s\n' \
        "$(LC_ALL=C tr -dc 'A-Z0-9' </dev/urandom | head -c 16)" "$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40)" >"$file.tmp"
      mv "$file.tmp" "$file" )
  fi
  S3_ACCESS_KEY=$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' "$file")
  S3_SECRET_KEY=$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$file")
}

start_node() { # $1 = node folder
  load_node "$1"
  if node_running "$dir"; then log "$NODE_ID already runs (pid $(cat "$dir/silo.pid"))"; return 0; fi
  local p
  for p in "$HTTP_PORT" "$SILO_PORT" "$GATEWAY_PORT"; do
    port_in_use "$p" && die "port $p of $NODE_ID is in use by another process"
  done
  local listen=127.0.0.1
  case "$ADVERTISE" in 127.*|localhost) ;; *) listen='*' ;; esac
  local args=(
    --clustering redis --redis "$REDIS_CONN" --node-id "$NODE_ID" --data "$dir/data"
    --silo-port "$SILO_PORT" --gateway-port "$GATEWAY_PORT" --http-port "$HTTP_PORT"
    --listen "$listen" --advertise "$ADVERTISE"
  )
  rm -f "$dir/silo.pid"
  echo "---- $(date -u +%FT%TZ) start $NODE_ID" >>"$dir/silo.log"
  # setsid: the silo outlives this script and the terminal. Every step execs, so no shell lingers holding this
  # script's output open (a caller reading it to the end would wait for the silo); the inner shell writes its own
  # pid, which exec makes the silo's.
  s3_keys
  # The key travels in the environment, not the command line, where every user of the machine could read it.
  OAIS_S3__Credentials__0__AccessKey=$S3_ACCESS_KEY OAIS_S3__Credentials__0__SecretKey=$S3_SECRET_KEY \
  setsid bash -c 'cd "$1" && echo $$ >"$2" && shift 2 && exec "$@"' silo "$dir" "$dir/silo.pid" \
    dotnet "$SILO_DLL" "${args[@]}" "${SILO_ARGS[@]+"${SILO_ARGS[@]}"}" </dev/null >>"$dir/silo.log" 2>&1 &
  local i
  for i in $(seq 1 50); do [ -s "$dir/silo.pid" ] && break; sleep 0.1; done
  [ -s "$dir/silo.pid" ] || die "$NODE_ID did not start; see $dir/silo.log"
  log "started $NODE_ID (pid $(cat "$dir/silo.pid"), http $(http_url), silo port $SILO_PORT, gateway $GATEWAY_PORT)"
}

# SIGTERM (graceful leave), then SIGKILL after $2 seconds.
stop_node() {
  load_node "$1"
  if ! node_running "$dir"; then
    [ ! -f "$dir/silo.pid" ] || log "stopped $NODE_ID"
    rm -f "$dir/silo.pid"
    return 0
  fi
  local pid i
  pid=$(cat "$dir/silo.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 $(($2 * 10))); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then log "$NODE_ID did not stop within $2 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$dir/silo.pid"
  log "stopped $NODE_ID"
}

running_ids() {
  local d
  for d in $(node_dirs); do node_running "$d" && sed -n 's/^NODE_ID=//p' "$d/node.env"; done | sort
}

# Waits until every running silo answers /v1/cluster listing exactly the running silos.
wait_healthy() {
  local deadline=$((SECONDS + timeout)) want d listed ok
  want=$(running_ids)
  [ -n "$want" ] || die "no silo is running"
  while :; do
    ok=1
    for d in $(node_dirs); do
      load_node "$d"
      grep -qx "$NODE_ID" <<<"$want" || continue
      if ! node_running "$d"; then
        echo "---- last lines of $d/silo.log:" >&2; tail -n 30 "$d/silo.log" >&2
        die "$NODE_ID exited while starting"
      fi
      listed=$(curl -fsS --max-time 5 "$(http_url)/v1/cluster" 2>/dev/null | grep -o '"node_id":"[^"]*"' | cut -d'"' -f4 | sort) || listed=""
      [ "$listed" = "$want" ] || { ok=0; break; }
    done
    [ "$ok" = 1 ] && return 0
    [ $SECONDS -lt $deadline ] || die "the silos did not agree on membership within $timeout s (want: $(echo $want)); logs: $nodes_dir/*/silo.log"
    sleep 0.5
  done
}

print_endpoints() {
  local d
  echo "cluster in $base (redis $REDIS_CONN):"
  for d in $(node_dirs); do
    load_node "$d"
    local st=stopped
    node_running "$d" && st="pid $(cat "$d/silo.pid")"
    printf '  %-24s %-34s silo %-6s gateway %-6s %s\n' "$NODE_ID" "$(http_url)" "$SILO_PORT" "$GATEWAY_PORT" "$st"
  done
  s3_keys
  echo "S3 key (anonymous access is off; also in $base/s3-credentials.env):"
  echo "  export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_DEFAULT_REGION=us-east-1"
}

# ---------------------------------------------------------------- commands
case "$command" in
  start)
    [[ "$count" =~ ^[1-9][0-9]*$ ]] || die "start needs a silo count: scripts/cluster.sh start N"
    SILO_ARGS=()
    if [ -f "$state" ]; then
      load_state # bring back the cluster kept in this folder: same ids, ports, data
      [ -z "$advertise" ] || ADVERTISE=$advertise
    else
      REDIS_CONN=${redis_conn:-} REDIS_OWNED=1 REDIS_PORT=""
      [ -z "$redis_conn" ] || REDIS_OWNED=0
      ADVERTISE=${advertise:-127.0.0.1}
      NODE_PREFIX=${node_prefix:-node-$(printf '%s' "$base" | cksum | cut -c1-6)-}
      SILO_ARGS=("${extra_args[@]+"${extra_args[@]}"}")
      HTTP_BASE=${http_base:-8080} SILO_BASE=${silo_base:-11111} GATEWAY_BASE=${gateway_base:-30000}
    fi
    ensure_tools
    SILO_DLL=$(find_silo_dll)
    start_redis
    save_state
    mkdir -p "$nodes_dir"
    for i in $(seq 0 $((count - 1))); do
      [ -f "$nodes_dir/${NODE_PREFIX}$i/node.env" ] || new_node "$i" >/dev/null
    done
    for d in $(node_dirs); do
      load_node "$d"
      [ "$INDEX" -lt "$count" ] && start_node "$d"
    done
    wait_healthy
    print_endpoints
    echo "stop with: $0 stop --base-dir $base"
    ;;

  add)
    load_state
    redis_running || [ "$REDIS_OWNED" = 0 ] || die "the cluster's redis-server is not running; start the cluster first"
    index=$(node_dirs | wc -l)
    d=$(new_node "$index")
    start_node "$d"
    wait_healthy
    print_endpoints
    ;;

  kill)
    [ -n "$node_arg" ] || die "kill needs a node id or index"
    load_state
    d=$(resolve_node "$node_arg")
    load_node "$d"
    node_running "$d" || die "$NODE_ID is not running"
    pid=$(cat "$d/silo.pid")
    kill -KILL "$pid"
    while alive "$pid"; do sleep 0.05; done
    rm -f "$d/silo.pid"
    echo "---- $(date -u +%FT%TZ) killed (SIGKILL) $NODE_ID" >>"$d/silo.log"
    log "killed $NODE_ID (pid $pid) with SIGKILL"
    ;;

  restart)
    [ -n "$node_arg" ] || die "restart needs a node id or index"
    load_state
    redis_running || [ "$REDIS_OWNED" = 0 ] || die "the cluster's redis-server is not running; start the cluster first"
    d=$(resolve_node "$node_arg")
    stop_node "$d" 30
    start_node "$d"
    wait_healthy
    print_endpoints
    ;;

  status)
    load_state
    rc=0
    if [ "$REDIS_OWNED" = 1 ]; then
      if redis_running; then echo "redis-server $REDIS_CONN: running (pid $(cat "$base/redis/redis.pid"))"; else echo "redis-server $REDIS_CONN: stopped"; rc=3; fi
    else
      echo "redis $REDIS_CONN: external (not managed by this script)"
    fi
    for d in $(node_dirs); do
      load_node "$d"
      if node_running "$d"; then
        if curl -fsS --max-time 3 "$(http_url)/v1/health" >/dev/null 2>&1; then health=healthy; else health=unhealthy; rc=3; fi
        printf '%-24s running (pid %s) %-9s %s  silo %s gateway %s\n' "$NODE_ID" "$(cat "$d/silo.pid")" "$health" "$(http_url)" "$SILO_PORT" "$GATEWAY_PORT"
      else
        printf '%-24s stopped                    %s  silo %s gateway %s\n' "$NODE_ID" "$(http_url)" "$SILO_PORT" "$GATEWAY_PORT"
        rc=3
      fi
    done
    exit $rc
    ;;

  stop)
    [ -f "$state" ] || { log "no cluster in $base"; exit 0; }
    load_state
    # All silos get SIGTERM first, so they leave together instead of each waiting for the others' probes.
    for d in $(node_dirs); do
      load_node "$d"
      node_running "$d" && kill -TERM "$(cat "$d/silo.pid")" 2>/dev/null || true
    done
    for d in $(node_dirs); do stop_node "$d" 30; done
    if [ "$REDIS_OWNED" = 1 ] && pid_is_ours "$base/redis/redis.pid" "redis-server"; then
      pid=$(cat "$base/redis/redis.pid")
      kill -TERM "$pid" 2>/dev/null || true
      for i in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
      alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
      rm -f "$base/redis/redis.pid"
      log "stopped redis-server $REDIS_CONN"
    fi
    log "cluster stopped; its data stays in $base (start it again with: $0 start N --base-dir $base)"
    ;;

  *) usage >&2; exit 2 ;;
esac
