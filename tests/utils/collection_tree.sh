#!/usr/bin/env bash
# Copy the checkout into DIR/ansible_collections/gofer/gofer: ansible-test runs only from such a
# path and resolves symlinks, so a link does not do. Prints the collection path.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:?usage: collection_tree.sh DIR}
dest="$dir/ansible_collections/gofer/gofer"
rm -rf "$dest"
mkdir -p "$dest"
tar -C "$root" --exclude=./.git --exclude=./.venv --exclude=./.cache --exclude=./tests/output \
    --exclude=./demo/out --exclude='*.pyc' --exclude=__pycache__ --exclude=.pytest_cache -cf - . \
  | tar -C "$dest" -xf -
echo "$dest"
