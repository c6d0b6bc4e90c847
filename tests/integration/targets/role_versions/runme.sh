#!/usr/bin/env bash
# The role follows gofer_version: the keys each release reads, renamed variables carried over with a deprecation
# warning, variables of keys a release does not read refused, migration findings and the database guard on a move.
set -eu
export ANSIBLE_DEPRECATION_WARNINGS=true  # ansible-test turns them off; the rename is announced as one
work="${OUTPUT_DIR:?}/role_versions"
rm -rf "$work" && mkdir -p "$work"
log="$work/run.log"
run() { ansible-playbook -i ../../inventory -e "work=$work" playbook.yml "$@" > "$log" 2>&1; }
fail() { tail -40 "$log"; echo "FAILED: $*"; exit 1; }
keys() {  # the dotted keys of the placed config, one per line
  python3 -c 'import sys, tomllib
def walk(t, p=""):
    for k, v in t.items():
        yield from walk(v, p + k + ".") if isinstance(v, dict) else [p + k]
print("\n".join(sorted(walk(tomllib.load(open(sys.argv[1], "rb"))))))' "$work/etc/gofer_web.toml"
}
value() { python3 -c 'import sys, tomllib
t = tomllib.load(open(sys.argv[1], "rb"))
for part in sys.argv[2].split("."): t = t[part]
print(t)' "$work/etc/gofer_web.toml" "$1"; }

# Each release gets exactly its keys.
for release in 0.7.3 0.8.2 0.8.4 0.9.1 latest; do
  rm -rf "$work/etc" "$work/data"
  run -e gofer_version=$release || fail "the role did not place the config for $release"
  keys > "$work/keys.$release"
done
grep -qx api.ignore_pipeline_run_events "$work/keys.0.7.3" || fail "0.7.3 lost ignore_pipeline_run_events"
! grep -qx api.ignore_pipeline_run_events "$work/keys.0.8.2" || fail "0.8.2 got ignore_pipeline_run_events"
grep -qx server.url "$work/keys.0.8.2" || fail "0.8.2 lost server.url"
! grep -qx server.url "$work/keys.0.8.4" || fail "0.8.4 got server.url"
grep -qx object_store.sqlite.path "$work/keys.0.8.4" || fail "0.8.4 lost the sqlite object store"
! grep -qx object_store.sqlite.path "$work/keys.0.9.1" || fail "0.9.1 got the sqlite object store"
grep -qx object_store.filesystem.path "$work/keys.0.9.1" || fail "0.9.1 lost the object store directory"
grep -qx api.pipeline_run_concurrency_limit "$work/keys.latest" || fail "latest lost the renamed key"
! grep -qx api.run_parallelism_limit "$work/keys.latest" || fail "latest got the old name"
grep -qx api.global_run_concurrency_limit "$work/keys.latest" || fail "latest lost global_run_concurrency_limit"
[ "$(value object_store.engine)" = filesystem ] || fail "latest engine"
[ "$(value object_store.run_object_expiry)" = 2 ] || fail "latest takes its own default of run_object_expiry"

# A variable of the old name is written under the new one, with a deprecation warning.
run -e gofer_version=latest -e gofer_api_run_parallelism_limit=150 || fail "the old name was refused"
[ "$(value api.pipeline_run_concurrency_limit)" = 150 ] || fail "the old name's value was not carried over"
grep -q 'gofer_api_run_parallelism_limit sets api.run_parallelism_limit, which' "$log" || fail "no deprecation"
grep -q 'DEPRECATION' "$log" || fail "not a deprecation warning"
if run -e gofer_version=latest -e gofer_api_run_parallelism_limit=150 -e gofer_api_pipeline_run_concurrency_limit=90
then fail "both names with different values were accepted"; fi
grep -q 'gofer_api_run_parallelism_limit and gofer_api_pipeline_run_concurrency_limit are both set' "$log" || fail

# A variable of a key the release does not read is a warning naming the release that reads it (a site moving its
# hosts release by release keeps both releases' variables); the key is not written.
run -e gofer_version=0.9.1 -e gofer_object_store_sqlite_path=/srv/objects.db || fail "a dropped key failed the run"
grep -q 'gofer_object_store_sqlite_path sets object_store.sqlite.path, which Gofer v0.9 (gofer_version) does not read' \
  "$log" || fail "no warning for the dropped key"
! grep -q '/srv/objects.db' "$work/etc/gofer_web.toml" || fail "the dropped key was written"
run -e gofer_version=0.8.4 -e gofer_api_global_run_concurrency_limit=10 || fail "a later key failed the run"
grep -q 'only Gofer after v0.9.1 reads it' "$log" || fail "no warning for the later key"
if run -e gofer_version=0.6.1; then fail "an unsupported release passed"; fi
grep -q 'Gofer version "0.6.1" is not supported' "$log" || fail "no error for the unsupported release"

# Moving a host with a database from 0.7.3 to 0.9.1: refused, then accepted with the database moved aside.
rm -rf "$work/etc" "$work/data" "$work/objects"
run -e gofer_version=0.7.3 || fail "0.7.3 did not place"
# A main database as Gofer leaves it: sqlite, the service account's. The change of release snapshots it first.
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE runs (note TEXT)"); c.commit()' \
  "$work/data/gofer.db"
chown nobody "$work/data/gofer.db"
cp "$work/etc/gofer_web.toml" "$work/before.toml"
if run -e gofer_version=0.9.1; then fail "the move across the database rewrites was not refused"; fi
grep -q 'was written by Gofer 0.7.3, and v0.8.0, v0.8.1, v0.9.0 rewrote its schema in place' "$log" || fail "reason"
cmp -s "$work/etc/gofer_web.toml" "$work/before.toml" || fail "the refused run changed the config"
[ -f "$work/data/gofer.db" ] || fail "the refused run moved the database"
run -e gofer_version=0.9.1 -e gofer_accept_database_reset=true || fail "the accepted reset failed"
[ ! -e "$work/data/gofer.db" ] || fail "the database was not moved"
ls "$work/data/" | grep -q '^gofer.db.before-0.9.1.' || fail "no moved database"
grep -q 'the objects in the old sqlite store are not migrated' "$log" || fail "no migration finding for the engine"
[ -d "$work/objects" ] || fail "the object store directory was not created"
ls /var/backups/gofer | grep -q -- '-0\.7\.3-to-0\.9\.1$' || fail "no snapshot before the reset"
run -e gofer_version=0.9.1 || fail "the re-run failed"
grep -q 'changed=0' "$log" || fail "the re-run was not idempotent"
echo "the role follows gofer_version"
