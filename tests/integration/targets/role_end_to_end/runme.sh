#!/usr/bin/env bash
# The role and the info module end to end under the ansible-core running the tests (make cores runs this target
# under every core the collection claims), with deprecation warnings on: any [DEPRECATION WARNING] or [WARNING]
# in the output fails the target, as does a second run that changes anything.
# The binary is the tests' stand-in (tests/standin/gofer_standin.py), not Gofer.
set -eu
# Outside /tmp (the module warns, rightly, about data under /tmp), one directory per run (cores run side by side).
work="/var/tmp/gofer.gofer-role_end_to_end-$$"
trap 'rm -rf "$work"' EXIT
rm -rf "$work" && mkdir -p "$work/bin"
standin=""
for dir in ${ANSIBLE_COLLECTIONS_PATH//:/ } ../../../..; do
  for f in "$dir/ansible_collections/gofer/gofer/tests/standin/gofer_standin.py" "$dir/tests/standin/gofer_standin.py"; do
    [ -n "$standin" ] || [ ! -f "$f" ] || standin=$f
  done
done
[ -n "$standin" ] || { echo "tests/standin/gofer_standin.py not found"; exit 1; }
{ echo '#!/usr/bin/python3'; sed -e 's/@VERSION@/0.7.3/' -e 's/@BEHAVIOUR@/serve/' "$standin"; } > "$work/gofer-0.7.3-serve"
chmod 0755 "$work/gofer-0.7.3-serve"
export ANSIBLE_DEPRECATION_WARNINGS=true ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
run() {
  ansible-playbook -i ../../inventory -e "work=$work" playbook.yml "$@" > "$work/run.log" 2>&1 \
    || { tail -40 "$work/run.log"; echo "the run failed"; exit 1; }
  cat "$work/run.log"
  if grep -nE '\[(DEPRECATION WARNING|WARNING)\]' "$work/run.log"; then
    echo "the run above gave the warnings listed (deprecation warnings on)"; exit 1
  fi
}
# This machine runs no systemd: with the service part on, the role stops before changing anything, saying what it
# assumes and what it found; gofer_allow_untested_platform lets it go on.
if ansible-playbook -i ../../inventory -e "work=$work" -e gofer_manage_service=true playbook.yml > "$work/platform.log" 2>&1
then cat "$work/platform.log"; echo "the service part ran on a host without systemd"; exit 1; fi
grep -q 'It assumes apt, systemd as init, x86_64' "$work/platform.log" \
  && grep -q 'systemd no' "$work/platform.log" && grep -q 'systemd is not the init' "$work/platform.log" \
  && grep -q 'Nothing was changed. Set gofer_allow_untested_platform' "$work/platform.log" \
  || { tail -30 "$work/platform.log"; echo "the platform check did not say what it assumes and found"; exit 1; }
[ ! -e "$work/etc" ] && [ ! -e "$work/lib" ] || { echo "the platform check stopped too late: something was placed"; exit 1; }
run -e gofer_manage_service=true -e gofer_allow_untested_platform=true --tags gofer_install
rm -rf "$work/etc" "$work/lib" "$work/bin" "$work/data" && mkdir "$work/bin"

run
[ -L "$work/bin/gofer" ] || { echo "the stable path is not a link"; exit 1; }
run
grep -qE 'testhost\s*:\s*ok=[0-9]+\s+changed=0\s' "$work/run.log" || { echo "the second run changed something"; exit 1; }
echo "the role and the info module ran end to end, twice, without a warning"
