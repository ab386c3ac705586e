#!/usr/bin/env bash
# Builds the oais/etl-host image with no registry in reach:
#  1. makes the base tag mcr.microsoft.com/dotnet/runtime-deps:10.0-bookworm-slim exist locally: from a cached
#     `docker save` tar, else a trimmed debootstrap of Debian bookworm imported under that name (then cached);
#  2. publishes etl-host self-contained and single-file;
#  3. builds the standard Dockerfile (never pulls).
# Idempotent; with the base present it takes seconds. Env: OAIS_CACHE (cache folder, default ~/.cache/oais),
# OAIS_ETL_IMAGE (tag, default oais/etl-host:latest).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
docker=/usr/bin/docker; [ -x "$docker" ] || docker=docker   # the `docker` on PATH may be another client
base=mcr.microsoft.com/dotnet/runtime-deps:10.0-bookworm-slim
image=${OAIS_ETL_IMAGE:-oais/etl-host:latest}
cache=${OAIS_CACHE:-$HOME/.cache/oais}
tarball="$cache/runtime-deps-10.0-bookworm-slim.tar"
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
  debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata bookworm "$work/rootfs" ${mirror:+"$mirror"} \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  # Trimmed, the base is 118 MB instead of 258 MB (about the official image's size).
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/cache/apt/*.bin "$work"/rootfs/var/lib/apt/lists/* \
         "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/locale/* "$work"/rootfs/usr/share/info/*
  # No ASPNETCORE_HTTP_PORTS here: transformers bind $PORT themselves (the official image's variable would warn).
  tar -C "$work/rootfs" -c . | "$docker" import -c 'ENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true' - "$base" >/dev/null
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
dotnet publish "$root/etl-host/OrleansAis.EtlHost" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:DebugType=none -o "$work/context/app" -nologo -v quiet
cp "$here/Dockerfile" "$work/context/Dockerfile"
# --network host: with `dockerd --bridge=none` a build without it has no network (the Dockerfile has no RUN today).
"$docker" build --network host -q -t "$image" "$work/context" >/dev/null
echo "built $image"
