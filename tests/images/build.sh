#!/usr/bin/env bash
# Build the Debian test images molecule runs on. No registry is reachable here, so they come
# from debootstrap + docker import. An image that already exists is kept.
#   tests/images/build.sh [bookworm|bullseye ...]   (default: both)
set -euo pipefail
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(bookworm bullseye)
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
for suite in "${suites[@]}"; do
  image="gofer-test/debian:$suite"
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "$image: present"
    continue
  fi
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  echo "$image: debootstrap $suite (about a minute)"
  # python3 for Ansible; openssl only so that tests can inspect placed certificates.
  debootstrap --variant=minbase --include=python3,openssl "$suite" "$root" >/dev/null
  tar -C "$root" -c . | docker import -c 'CMD ["sleep", "infinity"]' - "$image" >/dev/null
  rm -rf "$root"
  trap - EXIT
  echo "$image: built"
done
