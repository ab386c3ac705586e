#!/usr/bin/env bash
# Builds the oais/etl-host image with no registry in reach:
#  1. makes the base tag mcr.microsoft.com/dotnet/runtime-deps:10.0-bookworm-slim exist locally (from a cached
#     `docker save` tar, else a trimmed debootstrap of Debian bookworm imported under that name, then cached);
#  2. publishes etl-host self-contained and single-file;
#  3. builds the standard Dockerfile (never pulls).
# Idempotent; the second run takes seconds. Cache folder: $OAIS_CACHE (default ~/.cache/oais).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
docker=/usr/bin/docker; [ -x "$docker" ] || docker=docker
base=mcr.microsoft.com/dotnet/runtime-deps:10.0-bookworm-slim
image=${OAIS_ETL_IMAGE:-oais/etl-host:latest}
cache=${OAIS_CACHE:-$HOME/.cache/oais}
mkdir -p "$cache"

if ! "$docker" image inspect "$base" >/dev/null 2>&1; then
  tarball="$cache/runtime-deps-10.0-bookworm-slim.tar"
  if [ -s "$tarball" ]; then
    echo "loading $base from $tarball"
    "$docker" load -i "$tarball" >/dev/null
  else
    command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
    # The machine's own apt mirror (no other host is reachable).
    mirror=$(grep -rhoE '^deb(\s+\[[^]]*\])?\s+\S+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $NF}' | head -n1 || true)
    if [ -z "$mirror" ]; then
      mirror=$(grep -rhoE '^URIs:\s*\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)
    fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    echo "debootstrap bookworm (minbase) from ${mirror:-default mirror}"
    debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata bookworm "$work/rootfs" ${mirror:+"$mirror"} >/dev/null
    rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/cache/apt/*.bin "$work"/rootfs/var/lib/apt/lists/* \
           "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/locale/* "$work"/rootfs/usr/share/info/*
    tar -C "$work/rootfs" -c . | "$docker" import -c 'ENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true' - "$base" >/dev/null
    "$docker" save -o "$tarball" "$base"
  fi
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
dotnet publish "$root/etl-host/OrleansAis.EtlHost" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:DebugType=none -o "$context/app" -nologo -v quiet
cp "$here/Dockerfile" "$context/Dockerfile"
DOCKER_BUILDKIT=0 "$docker" build -q -t "$image" "$context" >/dev/null
echo "built $image"
