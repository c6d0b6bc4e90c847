#!/usr/bin/env bash
# --tags gofer_config converges only the config (and the preflight); --tags gofer_install reaches the install, after
# the config of the release it installs (the module guards the database there before the binary is switched).
set -eu
work="${OUTPUT_DIR:?}/role_tags"
rm -rf "$work" && mkdir -p "$work"
run() { ansible-playbook -i ../../inventory -e "work=$work" playbook.yml "$@" > "$work/run.log" 2>&1; }

run --tags gofer_config || { tail -30 "$work/run.log"; echo "--tags gofer_config failed"; exit 1; }
[ -f "$work/etc/gofer_web.toml" ] || { echo "the config was not placed"; exit 1; }
[ ! -e "$work/lib" ] || { echo "--tags gofer_config ran the install"; exit 1; }
grep -q 'Preflight | check the role' "$work/run.log" || { echo "the preflight did not run"; exit 1; }

rm -f "$work/etc/gofer_web.toml"
# The install fails (no binary): the host's lock is given up all the same.
if run --tags gofer_install; then tail -30 "$work/run.log"; echo "--tags gofer_install did not reach the install"; exit 1; fi
grep -q 'copy the binary from the controller' "$work/run.log" || { tail -30 "$work/run.log"; exit 1; }
[ -f "$work/etc/gofer_web.toml" ] || { echo "--tags gofer_install did not place the config first"; exit 1; }
grep -q 'Unlock | let the next run have this host' "$work/run.log" || { echo "a failed run kept the host's lock"; exit 1; }
[ ! -s /run/gofer.gofer.server.lock ] || { cat /run/gofer.gofer.server.lock; echo "the lease was not given up"; exit 1; }

# --skip-tags gofer_install leaves the binary out but still places the config.
rm -f "$work/etc/gofer_web.toml"
run --skip-tags gofer_install || { tail -30 "$work/run.log"; echo "--skip-tags gofer_install failed"; exit 1; }
[ -f "$work/etc/gofer_web.toml" ] || { echo "--skip-tags gofer_install did not place the config"; exit 1; }
! grep -q 'copy the binary from the controller' "$work/run.log" || { echo "--skip-tags gofer_install installed"; exit 1; }

# A tag of another role runs none of the parts (the preflight still runs).
rm -f "$work/etc/gofer_web.toml"
run --tags some_other_role || { tail -30 "$work/run.log"; echo "--tags some_other_role failed"; exit 1; }
[ ! -e "$work/etc/gofer_web.toml" ] || { echo "--tags some_other_role placed the config"; exit 1; }

if run -e gofer_api_log_levl=debug --tags gofer_config; then echo "a misspelled -e variable was accepted"; exit 1; fi
grep -q 'gofer_api_log_levl is not a variable of the role gofer.gofer.server' "$work/run.log" || { tail -20 "$work/run.log"; exit 1; }
run -e gofer_api_log_levl=debug -e gofer_unknown_variables=ignore --tags gofer_config \
  || { tail -20 "$work/run.log"; echo "gofer_unknown_variables=ignore did not let it pass"; exit 1; }
# --list-tasks with each tag lists the parts that run, by name (the preflight's own tasks aside).
listed() {
  ansible-playbook -i ../../inventory -e "work=$work" playbook.yml --list-tasks "$@" \
    | sed -n 's/^ *gofer\.gofer\.server : \(.*\)\tTAGS: .*/\1/p' \
    | grep -v '^Validating arguments\|^Preflight |\|^Platform |' | paste -sd ';' -
}
expect() {
  got="$(listed "${@:2}")"
  [ "$got" = "$1" ] || { echo "--list-tasks $*: listed \"$got\", expected \"$1\""; exit 1; }
}
config='Validate and place the config' result='Result | publish gofer_server_result'
# The host's lock is held around the parts, whatever the tags (steps/lock.yml; steps/unlock.yml is in the block's
# always section, which --list-tasks does not list: the runs above show that it ran).
lock='Lock | wait until no other run provisions this host, and hold it'
expect "$lock;Stop and remove Gofer;Create the service account;$config;Install the Gofer binary;$result" --tags gofer_install
expect "$lock;$config;$result" --tags gofer_config
expect "$lock;Stop and remove Gofer;$config;Run Gofer under systemd;$result" --tags gofer_service
expect "$lock;Create the service account;$config;Install the Gofer binary;$result" --skip-tags gofer_service
expect "$lock;Stop and remove Gofer;Create the service account;$config;Install the Gofer binary;Run Gofer under systemd;$result"

echo "tags, --list-tasks and unknown variables behave"
