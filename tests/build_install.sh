#!/usr/bin/env bash
# Build the collection, install the tarball into an empty path, and run the module and the role
# from that installed copy (not from this checkout).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/.venv/bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
"$bin/ansible-galaxy" collection build --output-path "$work" . >/dev/null
tarball=$(ls "$work"/gofer-gofer-*.tar.gz)
echo "built $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB, $(tar tzf "$tarball" | wc -l) entries)"
if tar tzf "$tarball" | grep -E '^(tests|benchmarks|tools|extensions|demo|\.ansible|\.venv|\.cache)/'; then
  echo "the tarball carries files build_ignore should keep out"; exit 1
fi
export ANSIBLE_COLLECTIONS_PATH="$work/installed"
"$bin/ansible-galaxy" collection install -p "$work/installed" "$tarball" >/dev/null
"$bin/ansible-doc" gofer.gofer.server_config | grep -q 'accept_secret_store_data_loss'
"$bin/ansible-doc" -t filter gofer.gofer.toml_value | grep -q 'TOML'
"$bin/ansible-doc" -t role gofer.gofer.server | grep -q 'gofer_secret_store_sqlite_encryption_key'
"$bin/ansible-doc" -t role gofer.gofer.server | grep -q 'gofer_binary_checksum'
for run in first second; do
  ANSIBLE_LOCALHOST_WARNING=false "$bin/ansible-playbook" -i localhost, -c local \
    -e "work=$work/target" -e "run=$run" "$root/playbooks/installed_smoke.yml" > "$work/$run.log" \
    || { cat "$work/$run.log"; exit 1; }
done
grep -q 'changed=0' <(grep -A1 'PLAY RECAP' "$work/second.log") || { cat "$work/second.log"; exit 1; }
echo "installed copy: module, filters and role ran; second run changed=0"
