# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render docs/reliability.md from the records a `make test` run leaves in .cache/reliability.

    python3 tools/reliability.py RECORDS          write docs/reliability.md
    python3 tools/reliability.py RECORDS --check  exit 1 when docs/reliability.md says otherwise

RECORDS holds the JSON records the reliability tests write (bad_input, secrets_output,
property-*, check_first) and ansible-test's junit XML files.
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, 'docs', 'reliability.md')

# Unit tests behind each guarantee, by name prefix.
UNIT_GROUPS = [
    ('Encryption-key guard: a different key is refused while the secret store exists (check mode too), accepted only '
     'with accept_secret_store_data_loss; the record lives in root\'s directory, is bound to the placed config and '
     'never holds the key; without a valid record the placed config is read as TOML on the controller',
     ('test_key_record', 'test_new_key_is_refused', 'test_new_key_is_accepted', 'test_without_a_record',
      'test_a_record_that_does_not_match', 'test_a_secret_store_with_no_record', 'test_the_key_guard_reads',
      'test_key_guard_verdicts', 'test_a_store_path_through_a_link')),
    ('Hostile key records (huge iteration counts, overflowing numbers, non-ASCII, bytes that are not UTF-8, deep '
     'nesting, writable by others) are "unknown", never a crash or a hang',
     ('test_a_hostile_record', 'test_a_record_with_bytes', 'test_a_record_others_could_write')),
    ('Paths on the target: a symlinked config or TLS file is refused and not followed; a sqlite path that is a '
     'directory is refused; a relative dest and a mode others can read are refused',
     ('test_a_symlinked_dest', 'test_a_symlinked_tls_key', 'test_a_sqlite_path_that_is_a_directory',
      'test_a_relative_dest', 'test_a_mode_others_can_read')),
    ('Atomicity and concurrency: a failed rename and a run killed (SIGKILL) before the rename leave the old file; '
     'this module\'s stale temporary files are swept on every run, and only its own; a second run waits for the '
     'lock; a backup is never more readable than the new file',
     ('test_a_failed_rename', 'test_a_run_killed', 'test_stale_temporary_files', 'test_a_second_run_waits',
      'test_a_backup_is_never')),
    ('Honest results: a failure reports what was already done and nothing it did not do; certificate bytes are '
     'placed exactly; check mode on a fresh target reports what the real run creates, each directory once',
     ('test_a_failure_reports', 'test_a_dest_that_could_not_be_written', 'test_certificate_bytes',
      'test_check_mode_on_a_fresh_target', 'test_check_mode_diff_shows')),
    ('Secrets in output: the diff masks old and new keys by their parsed value in every TOML form; values under '
     '[secret_store] of any shape, malformed PEM keys and TLS private keys are never shown; marked values masked',
     ('test_the_diff_masks', 'test_a_previous_file_that_is_not_toml', 'test_diff_hands',
      'test_values_under_secret_store', 'test_a_value_in_a_secrets_place', 'test_a_malformed_pem_header',
      'test_tls_files_are_placed_with_modes_and_key_is_never_shown', 'test_operator_marked_secrets',
      'test_errors_never_echo')),
    ('Hostile numbers and nesting: inf, nan, integers of thousands of digits, tables, arrays and dotted keys '
     'nested thousands deep are errors naming the key (or the nesting), never exceptions',
     ('test_non_finite_floats', 'test_an_integer_of_thousands', 'test_an_integer_too_long', 'test_deep_nesting')),
    ('Where the validator follows what the real v0.7.3 did (ground truth §9): empty log level, port 0, a sqlite '
     'path that is or becomes a directory',
     ('test_empty_log_level', 'test_port_zero', 'test_the_fix_for_a_bad_address',
      'test_a_sqlite_path_that_this_config_makes', 'test_sqlite_paths_that_cannot')),
    ('Releases: each change of Gofer\'s config between v0.7.3 and its latest code (ground truth §5.2, §5.3) is detected '
     'in the direction it matters, Gofer\'s own default file of each release matches its schema, and ansible-doc lists '
     'every release line',
     ('test_a_clean_config_of_each_release', 'test_releases_and_lines', 'test_unknown_versions',
      'test_each_schema_matches', 'test_encryption_key_length_check', 'test_ignore_pipeline_run_events',
      'test_keys_removed_at', 'test_settings_honoured', 'test_hash_in_a_sqlite_path', 'test_object_store_engine',
      'test_v0_9_pulls', 'test_run_parallelism_limit', 'test_global_run_concurrency', 'test_run_object_expiry',
      'test_database_rewrites_between', 'test_migration_', 'test_never_read_names', 'test_tls_bugs_are_the_same',
      'test_an_unrecorded_release', 'test_ansible_doc_lists')),
    ('The main database across releases: a change of release across a schema rewrite is refused while the database '
     'exists (check mode too) and changes nothing; an accepted reset moves it and its journal files aside, never '
     'deletes them, and keeps the secret store; the release is recorded beside the config',
     ('test_a_release_change_across', 'test_a_release_change_without', 'test_no_database_no_refusal',
      'test_an_accepted_reset', 'test_the_release_is_recorded', 'test_a_record_from_before',
      'test_the_old_config_goes_to_the_controller')),
    ('The rollback\'s snapshot: taken before a config for another release is placed and before a reset moves '
     'anything, with sqlite\'s backup API (a consistent copy of a database in WAL mode while it is written), as the '
     'service account, so a planted link reaches only what that account can read or write; root-only on a path of '
     'root\'s directories or refused with nothing changed; the copy holds none of root\'s descriptors and is killed '
     'when stopped; retention removes only its own snapshots; the restore puts the database back first, in place '
     '(the same inode) or by moving a reset database back, then the config and the record',
     ('test_a_snapshot_holds', 'test_restore_', 'test_a_planted_link_is_read_only', 'test_a_directory_the_account',
      'test_retention_keeps', 'test_a_manifest_that_is_not', 'test_a_change_of_release_takes_a_snapshot',
      'test_check_mode_reports_the_snapshot', 'test_a_snapshot_that_cannot_be_taken', 'test_snapshot_keep_zero',
      'test_check_mode_says_what_would_be_restored', 'test_a_snapshot_others_could_change',
      'test_a_missing_service_user_is_named', 'test_a_restore_waits', 'test_a_stopped_copy',
      'test_the_copy_runs_without', 'test_a_restore_that_cannot', 'test_after_a_killed_reset')),
    ('One run at a time per host: a lease another live run holds is waited for and kept; only the exact lease of a '
     'run that is gone, or an expired one, is taken over; a link at the lease is not followed',
     ('test_a_free_host_is_taken', 'test_a_host_another_run_holds', 'test_only_the_exact_lease',
      'test_an_expired_lease', 'test_free_gives_the_host', 'test_check_mode_takes_nothing',
      'test_a_link_at_the_lease', 'test_a_directory_others_can_write', 'test_a_run_of_this_controller')),
    ('server_config_info: reads without following a link and changes nothing; parses, validates and masks on the '
     'controller',
     ('test_reads_the_config_and_its_file', 'test_a_link_is_described', 'test_paths_are_described',
      'test_a_placed_config_is_parsed', 'test_the_same_config_read_for_another', 'test_a_missing_config_is',
      'test_text_that_is_not_toml', 'test_secret_values_are_masked', 'test_an_unsupported_release_fails')),
]
# The properties run once per release: one of each schema.
RELEASES = ['0.7.3', '0.8.2', '0.8.4', '0.9.1', 'latest']
PROPERTIES = [
    ('round_trip', 'Random host vars (every key of every release; strings of any Unicode incl. quotes, backslashes, newlines, control '
                   'characters) rendered by the role template parse back to the same values'),
    ('no_crash', 'Random parsed TOML (nested tables, arrays, floats, NaN, huge integers, datetimes) gives findings, '
                 'never an exception'),
    ('wrong_type', 'A value of a wrong type at a random key is an error naming that key'),
    ('raw_text', 'Random raw TOML text through the action plugin (tables, dotted and quoted keys, inline tables, '
                 'arrays and dotted keys nested up to 3000 deep, inf, nan, integers of up to 5000 digits, broken '
                 'strings, a secret in every string form) is refused or placed: never an exception, never the secret'),
]


def load(records):
    data = {}
    for path in glob.glob(os.path.join(records, '*.json')):
        with open(path) as f:
            data[os.path.basename(path)[:-5]] = json.load(f)
    tests = {}
    for path in glob.glob(os.path.join(records, '*.xml')):
        for case in ET.parse(path).iter('testcase'):
            ok = not any(child.tag in ('failure', 'error', 'skipped') for child in case)
            tests[case.get('name')] = tests.get(case.get('name'), True) and ok
    return data, tests


def render(data, tests):
    missing = [name for name in ('bad_input', 'secrets_output', 'check_first') if name not in data]
    missing += ['property-%s-%s' % (name, release) for name, _text in PROPERTIES for release in RELEASES
                if 'property-%s-%s' % (name, release) not in data]
    if missing or not tests:
        raise SystemExit('records missing from this run: %s' % (', '.join(missing) or 'junit XML'))
    lines = ['# Reliability and security: what was tried, and what held', '',
             '<!-- Generated by tools/reliability.py from the records of a `make test` run; do not edit. -->', '',
             'Every figure below comes from the last full `make test` run (see "Reproduce" at the end).', '',
             '## Bad input is refused, named, and changes nothing', '',
             'Each case runs `gofer.gofer.server_config` against a real target that already holds a valid config and',
             'a secret store. A case holds when the task fails, the message names the key, option or file (checked',
             'against the expected fragments in `tests/integration/targets/bad_input/files/cases.yml`), there is no',
             'traceback, and the message stays short.', '',
             '| input | cases | held |', '|---|---:|---:|']
    bad = data['bad_input']
    tried, held = collections.Counter(bad['cases']), collections.Counter(bad['held'])
    for category in sorted(tried, key=lambda c: (-tried[c], c)):
        lines.append('| %s | %d | %d |' % (category, tried[category], held[category]))
    lines += ['| **all** | **%d** | **%d** |' % (len(bad['cases']), len(bad['held'])), '',
              'Target byte for byte unchanged after all %d cases (checksums and modes of every file before and '
              'after): **%s**.' % (len(bad['cases']), 'yes' if bad['target_unchanged'] else 'NO'), '',
              '## Secrets never reach output', '']
    sec = data['secrets_output']
    lines += ['A playbook runs the role and the module with `-vvv --diff`: a first converge with TLS files, a key',
              'change accepted with `accept_secret_store_data_loss`, a key change refused by the guard, and a config',
              'refused by validation; then the key written in every form TOML allows (dotted key, inline table, quoted',
              'name, escapes, multi-line string) through accepted key changes with diffs, a refusal decided by reading',
              'the placed config as TOML, a secret of the wrong shape, and a private key with a malformed PEM header.',
              'The whole output is searched for every secret (the keys as parsed and as written, an operator-marked',
              'value, the wrong-shaped secret, each line of both private keys) and the config directory for backup',
              'names holding one. The figures hold for these inputs; other forms of input are covered by the property',
              'below.', '',
              '| secrets searched | hits |', '|---:|---:|',
              '| %d | %d |' % (sec['secrets'], sec['hits']), '',
              'The search fails the run when the output is shorter than 500 lines (a run that printed nothing proves '
              'nothing) or holds no masked diff.', '',
              'The config is placed `0640 root:<service group>`, the private key `0600 <service user>`: checked in the',
              'same run.', '', '## Property-based tests (hypothesis)', '',
              'Each property runs for one release of each schema: %s.' % ', '.join(RELEASES), '',
              '| property | examples | held |', '|---|---:|---:|']
    for name, text in PROPERTIES:
        examples = sum(data['property-%s-%s' % (name, release)]['examples'] for release in RELEASES)
        lines.append('| %s | %d | %d |' % (text, examples, examples))
    lines += ['', '## Guarantees tested one by one', '', '| guarantee | tests | passed |', '|---|---:|---:|']
    for text, prefixes in UNIT_GROUPS:
        names = [n for n in tests if n.startswith(prefixes)]
        lines.append('| %s | %d | %d |' % (text, len(names), sum(1 for n in names if tests[n])))
    check = data['check_first']
    lines += ['| Check mode on a fresh Debian bullseye container (molecule `check-first`) reports exactly the paths, '
              'findings and diffs of the real run | 1 | %d |' % (1 if check['same'] else 0), '',
              '## Reproduce', '', '```sh', 'make test          # runs every suite above and leaves the records',
              'make reliability   # rewrites this page from them', '```', '']
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('records')
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args(argv)
    text = render(*load(args.records))
    current = open(DOC).read() if os.path.exists(DOC) else ''
    if args.check:
        if current != text:
            print('docs/reliability.md does not match this run; run `make reliability`')
            return 1
        return 0
    with open(DOC, 'w') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
