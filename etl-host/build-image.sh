#!/usr/bin/env bash
# Builds the oais/etl-host image with no registry in reach:
#  1. makes the base tag mcr.microsoft.com/dotnet/runtime-deps:10.0-bookworm-slim exist locally: from a cached
#     `docker save` tar, else a trimmed debootstrap of Debian bookworm imported under that name (then cached);
#  2. publishes etl-host self-contained and single-file;
#  3. builds the standard Dockerfile (never pulls).
# Idempotent; with the base present it takes seconds. Env: OAIS_CACHE (cache folder, default ~/.cache/oais),
# OAIS_ETL_IMAGE (tag, default oais/etl-host:latest).
#
# `build-image.sh python` builds oais/etl-python:latest instead (OAIS_ETL_PYTHON_IMAGE): the Python SDK on a
# debootstrapped bookworm with Debian's python3 (base tag oais/bookworm-python3:base, cached the same way), which
# the Docker runtime runs for runtime.python specs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
docker=/usr/bin/docker; [ -x "$docker" ] || docker=docker   # the `docker` on PATH may be another client
flavour=${1:-dotnet}
case "$flavour" in
  dotnet)
    base=mcr.microsoft.com/dotnet/runtime-deps:10.0-bookworm-slim
    image=${OAIS_ETL_IMAGE:-oais/etl-host:latest}
    base_packages=ca-certificates,libicu72,libssl3,tzdata
    base_env='ENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true'
    base_file=runtime-deps-10.0-bookworm-slim.tar ;;
  python)
    base=oais/bookworm-python3:base
    image=${OAIS_ETL_PYTHON_IMAGE:-oais/etl-python:latest}
    base_packages=ca-certificates,python3,tzdata
    base_env='ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1'
    base_file=bookworm-python3-base.tar ;;
  *) echo "usage: $0 [dotnet|python]" >&2; exit 2 ;;
esac
cache=${OAIS_CACHE:-$HOME/.cache/oais}
tarball="$cache/$base_file"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The machine's own apt mirror: the only Debian host reachable here.
apt_mirror() {
  { grep -hoE '^deb(\s+\[[^]]*\])?\s+\S+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $NF}'
    grep -hoE '^URIs:\s*\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
  } | grep -v -- '-security' | head -n1 || true
}

make_base() {
  command -v debootstrap >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  local mirror; mirror=$(apt_mirror)
  echo "debootstrap bookworm (minbase) from ${mirror:-the default mirror}; this takes a few minutes once"
  debootstrap --variant=minbase --include="$base_packages" bookworm "$work/rootfs" ${mirror:+"$mirror"} \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  # Trimmed, the base is 118 MB instead of 258 MB (about the official image's size).
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/cache/apt/*.bin "$work"/rootfs/var/lib/apt/lists/* \
         "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/locale/* "$work"/rootfs/usr/share/info/*
  # No ASPNETCORE_HTTP_PORTS here: transformers bind $PORT themselves (the official image's variable would warn).
  tar -C "$work/rootfs" -c . | "$docker" import -c "$base_env" - "$base" >/dev/null
  rm -rf "$work/rootfs"
  mkdir -p "$cache"
  "$docker" save -o "$tarball.partial" "$base" && mv "$tarball.partial" "$tarball"
  echo "cached $base in $tarball"
}

if ! "$docker" image inspect "$base" >/dev/null 2>&1; then
  if [ -s "$tarball" ]; then
    echo "loading $base from $tarball"
    "$docker" load -i "$tarball" >/dev/null
  else
    make_base
  fi
fi

mkdir -p "$work/context"
if [ "$flavour" = python ]; then
  # The SDK is plain source: copied, not built. Standard library only, so nothing to pip install either.
  mkdir -p "$work/context/app"
  cp -r "$here/python/oais_etl" "$here/python/examples" "$work/context/app/"
  find "$work/context/app" -name __pycache__ -prune -exec rm -rf {} +
  cp "$here/python/Dockerfile" "$work/context/Dockerfile"
  "$docker" build --network host -q -t "$image" "$work/context" >/dev/null
  echo "built $image"
  exit 0
fi
dotnet publish "$root/etl-host/OrleansAis.EtlHost" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:DebugType=none -o "$work/context/app" -nologo -v quiet
cp "$here/Dockerfile" "$work/context/Dockerfile"
# --network host: with `dockerd --bridge=none` a build without it has no network (the Dockerfile has no RUN today).
"$docker" build --network host -q -t "$image" "$work/context" >/dev/null
echo "built $image"
