#!/usr/bin/env bash
# Build the Debian test images molecule runs on. No registry is reachable here, so they come
# from debootstrap + docker import. An image that already exists is kept.
#   tests/images/build.sh [bookworm|bullseye|bookworm-systemd|trixie-systemd ...]   (default: all four)
# The *-systemd images run systemd as PID 1 under
#   docker run --tmpfs /run --tmpfs /run/lock -v /sys/fs/cgroup:/sys/fs/cgroup:ro --cap-add SYS_ADMIN IMAGE
# (no --privileged: it is refused on these machines). trixie's systemd 257 needs SYS_ADMIN for any unit with
# User=: without it the unit fails at step USER ("Failed to keep CAP_SYS_ADMIN").
set -euo pipefail
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(bookworm bullseye bookworm-systemd trixie-systemd)
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
build() {
  local name=$1
  local image="gofer-test/debian:$name"
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "$image: present"
    return
  fi
  # python3 for Ansible; openssl only so that tests can inspect placed certificates.
  local include=python3,openssl suite=$name
  local -a changes=(-c 'CMD ["sleep", "infinity"]')
  if [ "${name%-systemd}" != "$name" ]; then
    suite=${name%-systemd}
    # The runtime packages the role installs for Gofer (libssl3, named libssl3t64 from trixie on, and
    # ca-certificates); present here so that converging does not depend on a package mirror.
    local libssl=libssl3
    [ "$suite" = bookworm ] || libssl=libssl3t64
    include+=,systemd,systemd-sysv,dbus,$libssl,ca-certificates
    changes=(-c 'CMD ["/sbin/init"]' -c 'ENV container=docker')
  fi
  local root
  root=$(mktemp -d)
  echo "$image: debootstrap $suite (about a minute)"
  debootstrap --variant=minbase --include="$include" "$suite" "$root" >/dev/null
  if [ "${name%-systemd}" != "$name" ]; then
    # Nothing in a test container needs these, and some cannot start without privileges.
    for unit in systemd-remount-fs.service systemd-udevd.service systemd-udev-trigger.service \
                getty.target console-getty.service systemd-logind.service; do
      ln -sf /dev/null "$root/etc/systemd/system/$unit"
    done
  fi
  tar -C "$root" -c . | docker import "${changes[@]}" - "$image" >/dev/null
  rm -rf "$root"
  echo "$image: built"
}
for name in "${suites[@]}"; do
  build "$name"
done
