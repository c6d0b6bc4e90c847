#!/usr/bin/env bash
# Copy the checkout into DIR/ansible_collections/gofer/gofer: ansible-test runs only from such a
# path and resolves symlinks, so a link does not do. Only files git would track are copied
# (tracked, or new and not ignored), so caches and venvs stay out. Prints the collection path.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:?usage: collection_tree.sh DIR}
dest="$dir/ansible_collections/gofer/gofer"
rm -rf "$dest"
mkdir -p "$dest"
cd "$root"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -C "$dest" -xf -
echo "$dest"
