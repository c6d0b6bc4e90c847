#!/usr/bin/env bash
# The collection as AWX / Automation Controller users consume it: ansible-builder reads its Python requirements from
# meta/execution-environment.yml, and renders the build context of an EE that installs the built tarball.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BIN:-$root/.venv/bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/ansible-galaxy" collection build --output-path "$work" "$root" >/dev/null
cp "$work"/gofer-gofer-*.tar.gz "$work/gofer-gofer.tar.gz"
# --force: a gofer.gofer of the same version elsewhere on the configured paths would make install a no-op.
"$bin/ansible-galaxy" collection install --force -p "$work/collections" "$work/gofer-gofer.tar.gz" >/dev/null 2>&1
"$bin/ansible-builder" introspect "$work/collections" > "$work/introspect.txt"
grep -q "cryptography>=41  # from collection gofer.gofer" "$work/introspect.txt" \
  || { cat "$work/introspect.txt"; echo "introspect did not report the collection's Python requirements"; exit 1; }
cp "$root/tests/ee/execution-environment.yml" "$work/"
(cd "$work" && "$bin/ansible-builder" create -f execution-environment.yml -c context >/dev/null)
file=
for candidate in "$work/context/Containerfile" "$work/context/Dockerfile"; do
  [ -f "$candidate" ] && file=$candidate
done
[ -n "$file" ] || { echo "no Containerfile"; exit 1; }
[ -f "$work/context/_build/collections/gofer-gofer.tar.gz" ] || { echo "the tarball is not in the build context"; exit 1; }
grep -q "ansible-galaxy collection install" "$file" || { echo "the Containerfile installs no collection"; exit 1; }
echo "ansible-builder: introspect reports the collection's requirements; create rendered an EE context with the tarball"
