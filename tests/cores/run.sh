#!/usr/bin/env bash
# One ansible-core: sanity, units and the end-to-end integration targets under it, with its own venv and its own
# copy of the collection tree, so that several cores run side by side (make cores).
#   tests/cores/run.sh CORE PYTHON     e.g. tests/cores/run.sh 2.21 ~/.pyenv/versions/3.13.0/bin/python3
# Writes .cache/cores/CORE.log and prints one line: the core, the Python, each part's result and its wall time.
set -uo pipefail
core=${1:?usage: run.sh CORE PYTHON}
python=${2:?usage: run.sh CORE PYTHON}
root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/.cache/cores"
venv="$cache/$core/venv"
log="$cache/$core.log"
tree_root="${TMPDIR:-/tmp}/gofer.gofer-core-$core-$(printf %s "$root" | md5sum | cut -c1-8)"
mkdir -p "$cache"
: > "$log"
pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
summary="ansible-core $core (Python $pyver):"
status=0
part() {  # part NAME COMMAND...: run it in the collection tree, log it, time it
  local name=$1 start rc
  shift
  start=$(date +%s)
  echo "== $name: $*" >> "$log"
  (cd "$tree" && "$@") >> "$log" 2>&1
  rc=$?
  summary+=" $name $([ $rc = 0 ] && echo ok || echo FAILED) $(( $(date +%s) - start ))s;"
  [ $rc = 0 ] || status=1
}
if [ ! -x "$venv/bin/ansible-test" ] || ! "$venv/bin/python" -c "import ansible, sys; sys.exit(not ansible.__version__.startswith('$core.'))"; then
  rm -rf "$venv"
  "$python" -m venv "$venv" >> "$log" 2>&1 && "$venv/bin/pip" install --quiet "ansible-core==$core.*" >> "$log" 2>&1 \
    || { echo "$summary venv FAILED (see $log)"; exit 1; }
fi
tree=$("$root/tests/utils/collection_tree.sh" "$tree_root")
# A lighter suite per core: the property tests (hypothesis) run with 30 examples each instead of 300. They test the
# collection's own Python, which no core changes; 2.19 (make units) runs all 300 and feeds docs/reliability.md.
sed -i 's/^EXAMPLES = 300$/EXAMPLES = 30/' "$tree/tests/unit/plugins/filter/test_properties.py"
grep -q '^EXAMPLES = 30$' "$tree/tests/unit/plugins/filter/test_properties.py" \
  || { echo "$summary tests/unit/plugins/filter/test_properties.py has no EXAMPLES = 300 line to lighten"; exit 1; }
export PATH="$venv/bin:$PATH"
part sanity ansible-test sanity --venv --python "$pyver" --color no
part units ansible-test units --venv --python "$pyver" --color no --requirements
# The target that runs the role and both modules end to end on this machine, with deprecation warnings on: the
# target itself fails on any warning the role or the modules cause (tests/integration/targets/role_end_to_end).
part integration env ANSIBLE_DEPRECATION_WARNINGS=true ansible-test integration --local --color no role_end_to_end
echo "$summary"
[ $status = 0 ] || echo "  log: $log"
exit $status
