#!/usr/bin/env bash
# Start a Docker engine for the docker environment, as root, on a machine that may have none:
# installs Debian's docker.io and debootstrap when missing, then runs dockerd in the background
# with no bridge and no iptables rules (containers use the host's network and loopback only),
# falling back to the vfs storage driver when overlay2 does not work here.
# Waits until `docker info` answers. Log: ${HANDOFF_DOCKERD_LOG:-/var/log/handoff-dockerd.log}.
set -euo pipefail
log=${HANDOFF_DOCKERD_LOG:-/var/log/handoff-dockerd.log}

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi
if docker info >/dev/null 2>&1; then
  echo "docker engine: already running"
  exit 0
fi

start_dockerd() {  # $@: extra dockerd options; returns non-zero when it does not answer within 60 s
  nohup dockerd --bridge=none --iptables=false --ip6tables=false "$@" >>"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then
      echo "docker engine: started (pid $pid, storage $(docker info --format '{{.Driver}}'), log $log)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

start_dockerd || {
  echo "docker engine: overlay2 did not start, trying --storage-driver=vfs (see $log)"
  start_dockerd --storage-driver=vfs
} || {
  echo "docker engine: dockerd did not start; last lines of $log:" >&2
  tail -20 "$log" >&2
  exit 1
}
