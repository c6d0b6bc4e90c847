#!/usr/bin/env bash
# A wrapper collection's roles (tests/wrapper: acme.ci) build on gofer.gofer.server in the two ways Ansible offers:
# both handlers named "Restart gofer" run, the wrapper hears the topic "gofer config changed", gofer_server_result
# says what happened, the site's defaults are layered under the inventory, and no fact is left behind.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work="${OUTPUT_DIR:?}/wrapper_roles"
rm -rf "$work" && mkdir -p "$work"
log="$work/run.log"
# ansible-test runs a copy of this target: the wrapper collection is found beside the collection under test.
root=$(python3 -c 'import json, subprocess
found = json.loads(subprocess.run(["ansible-galaxy", "collection", "list", "gofer.gofer", "--format", "json"],
                                  capture_output=True, text=True).stdout)
print(next(iter(found)) + "/gofer/gofer")')
export ANSIBLE_COLLECTIONS_PATH="$root/tests/wrapper:${ANSIBLE_COLLECTIONS_PATH:-}"
run() { ansible-playbook -i ../../inventory -e "work=$work" playbook.yml "$@" > "$log" 2>&1; }
run_include() { ansible-playbook -i ../../inventory -e "work=$work" include.yml "$@" > "$log" 2>&1; }
fail() { tail -40 "$log"; echo "FAILED: $*"; exit 1; }

run || fail "the wrapper roles did not converge"
grep -c 'RUNNING HANDLER \[gofer.gofer.server : Restart gofer.service and wait for it\]' "$log" | grep -qx 2 \
  || fail "gofer.gofer.server's handler was shadowed in one of the forms"
grep -q 'RUNNING HANDLER \[acme.ci.gofer_site_dep : Restart gofer\]' "$log" || fail "the dependency form's handler did not run"
grep -q 'RUNNING HANDLER \[acme.ci.gofer_site : Restart gofer\]' "$log" || fail "the include form's handler did not run"
grep -q 'RUNNING HANDLER \[acme.ci.gofer_site : Record the Gofer config change\]' "$log" || fail "the topic was not heard"
grep -q 'acme.ci dep Restart gofer' "$work/dependency/handlers.log" || fail "the dependency's handler wrote nothing"

python3 - "$work/include" <<'PY'
import json, sys, tomllib
work = sys.argv[1]
data = json.load(open(work + '/result.json'))
result, facts = data['result'], data['facts']
config = tomllib.load(open(work + '/etc/gofer_web.toml', 'rb'))
assert result['config_changed'] is True and result['dest'] == work + '/etc/gofer_web.toml', result
assert result['version'] == '0.9.1' and result['previous_version'] is None, result
assert result['restart_needed'] is True and work + '/etc/gofer_web.toml' in result['created'], result
assert '0123456789abcdef' not in json.dumps(result), 'a secret in gofer_server_result'
assert config['api']['log_level'] == 'warn', 'the wrapper default did not reach the config'
assert config['scheduler']['docker']['prune_interval'] == 172800, 'the inventory did not beat the wrapper default'
assert not [f for f in facts if f.startswith('getent')], facts
print('include form: result, layering and facts as documented')
PY

run || fail "the second run failed"
grep -q 'changed=0' "$log" || fail "the second run changed something"
! grep -q 'RUNNING HANDLER' "$log" || fail "a handler ran although nothing changed"
python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["result"]; assert r["config_changed"] is False and r["restart_needed"] is False and r["previous_version"] == "0.9.1", r' \
  "$work/include/result.json" || fail "the second result"

# An override key that no release reads fails in the preflight, naming it.
if run -e '{"gofer_config_overrides": {"api": {"log_levl": "warn"}}}'; then fail "a misspelled override passed"; fi
grep -q 'gofer_config_overrides: api.log_levl is not a key of the Gofer config, so it would have no effect. Did you mean api.log_level?' "$log" \
  || fail "no error for the misspelled override"
# Every entry point runs the preflight and checks its own argument spec.
if run_include -e entry=config -e gofer_health_timeout=0; then fail "tasks_from: config skipped the preflight"; fi
grep -q 'gofer_health_timeout must be at least 1 second' "$log" || fail "no preflight error from tasks_from: config"
if run_include -e entry=install -e gofer_state=bogus; then fail "tasks_from: install skipped its argument spec"; fi
grep -q "Validating arguments against arg spec 'install'" "$log" || fail "no argument spec for tasks_from: install"
grep -q 'value of gofer_state must be one of: present, absent, got: bogus' "$log" || fail "no argument error"
if run_include -e entry=service -e gofer_state=bogus; then fail "tasks_from: service skipped its argument spec"; fi
grep -q "Validating arguments against arg spec 'service'" "$log" || fail "no argument spec for tasks_from: service"
# tasks_from: config places the config and publishes the result, as the whole role does.
rm -rf "$work/include"
run_include -e entry=config || fail "tasks_from: config failed"
python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["result"]; assert r["config_changed"] is True, r' \
  "$work/include/result.json" || fail "tasks_from: config published no result"
echo "wrapper roles behave"
