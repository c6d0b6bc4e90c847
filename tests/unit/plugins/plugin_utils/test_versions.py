# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every Gofer release line: each change of Gofer's config between tags (what changed, tag by tag, as
_schema.CHANGES records it) and each migration step (the migration from
v0.7.3) is detected by the validator or the migration findings, in the direction it matters."""

from __future__ import annotations

import copy
import os

import pytest

try:
    import tomllib
except ImportError:
    import tomli as tomllib

from ansible_collections.gofer.gofer.plugins.module_utils import _schema as S
from ansible_collections.gofer.gofer.plugins.plugin_utils._migrate import findings as migration, guess_version
from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import ERROR, WARNING, validate

KEY = '0123456789abcdef0123456789abcdef'
COMMON = {
    'api': {'log_level': 'info', 'task_execution_logs_dir': '/var/lib/gofer/logs'},
    'server': {'storage_path': '/var/lib/gofer/gofer.db'},
    'development': {'bypass_auth': False, 'use_included_certs': False},
    'scheduler': {'docker': {'prune': False}},
    'secret_store': {'sqlite': {'path': '/var/lib/gofer/secrets.db', 'encryption_key': KEY}},
}
SQLITE_STORE = {'object_store': {'engine': 'sqlite', 'sqlite': {'path': '/var/lib/gofer/objects.db'}}}
FILE_STORE = {'object_store': {'engine': 'filesystem', 'filesystem': {'path': '/var/lib/gofer/objects'}}}


def config(*parts, **changes):
    """COMMON merged with parts, then dotted changes (a value of None deletes the key)."""
    result = copy.deepcopy(COMMON)
    for part in parts:
        for table, values in part.items():
            result.setdefault(table, {}).update(copy.deepcopy(values))
    for dotted, value in changes.items():
        node = result
        names = dotted.split('__')
        for name in names[:-1]:
            node = node.setdefault(name, {})
        if value is None:
            node.pop(names[-1], None)
        else:
            node[names[-1]] = value
    return result


def for_release(release):
    if S.release_of(release) >= (0, 9, 0):
        # From v0.9.0 the standard extensions are pulled at every start: a host without ghcr.io turns them off.
        return config(FILE_STORE, extensions__install_std_extensions=False)
    return config(SQLITE_STORE)


def found(findings, level, key):
    return ' '.join(f.message for f in findings if f.level == level and f.key == key)


RELEASES = ['0.7.0', '0.7.3', '0.8.0', '0.8.3', '0.8.4', '0.9.0', '0.9.1', 'latest']


@pytest.mark.parametrize('release', RELEASES)
def test_a_clean_config_of_each_release_has_no_findings(release):
    assert validate(for_release(release), version=release) == []


# -- the versions users name ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('version,schema_id', [
    ('0.7', '0.7'), ('0.7.0', '0.7'), ('v0.7.3', '0.7'), ('0.8.0', '0.8.0'), ('0.8.3', '0.8.0'), ('0.8.4', '0.8.4'),
    ('0.8', '0.8.4'), ('0.9.0', '0.9'), ('0.9', '0.9'), ('latest', 'latest'),
])
def test_releases_and_lines_select_their_schema(version, schema_id):
    assert S.schema_for(version)['id'] == schema_id


@pytest.mark.parametrize('version', ['0.6', '1.0.0', '0.9.x', '', 'LATEST', '0.10'])
def test_unknown_versions_are_refused_naming_the_lines(version):
    with pytest.raises(ValueError, match='give a release line \\(0.7, 0.8, 0.9, latest\\)'):
        S.schema_for(version)


def test_each_schema_matches_gofers_own_default_file():
    # Gofer's default_api_config.toml of v0.7.3, v0.8.4, v0.9.1 and HEAD, minus the keys it never deserializes.
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default_configs')
    for name, release in (('v0.7.3', '0.7.3'), ('v0.8.4', '0.8.4'), ('v0.9.1', '0.9.1'), ('head', 'latest')):
        with open(os.path.join(here, 'default_api_config.%s.toml' % name), 'rb') as f:
            shipped = tomllib.load(f)
        ours = S.defaults_tree(release)
        for table, value in shipped.items():
            assert isinstance(value, dict)
        flat = {}
        stack = [('', shipped)]
        while stack:
            prefix, node = stack.pop()
            for k, v in node.items():
                if isinstance(v, dict):
                    stack.append((prefix + k + '.', v))
                else:
                    flat[prefix + k] = v
        keys = S.schema_for(release)['keys']
        ignored = {p for p in flat if p not in keys}
        # What Gofer's file lists but the release does not read is a named finding, never a silent pass.
        other = S.schema_for(release)['other_names']
        assert all(p in other for p in ignored), sorted(ignored - set(other))
        for path, spec in keys.items():
            if not spec['optional']:
                node = ours
                for part in path.split('.'):
                    node = node[part]
                assert flat[path] == node, (release, path)


# -- §5.2, row by row ----------------------------------------------------------------------------------------------

def test_encryption_key_length_check_came_with_v0_7_1():
    short = config(SQLITE_STORE, secret_store__sqlite__encryption_key='short-key-of-16b')
    assert 'Gofer refuses to start' in found(validate(short, version='0.7.1'), ERROR, 'secret_store.sqlite.encryption_key')
    before = found(validate(short, version='0.7.0'), ERROR, 'secret_store.sqlite.encryption_key')
    assert 'Gofer v0.7.0 starts' in before and 'every secret read or write fails' in before


def test_ignore_pipeline_run_events_is_read_by_v0_7_only():
    given = config(SQLITE_STORE, api__ignore_pipeline_run_events=True)
    assert validate(given, version='0.7.3') == []
    for release in ('0.8.0', '0.9.1', 'latest'):
        text = found(validate(given, version=release), WARNING, 'api.ignore_pipeline_run_events')
        assert 'silently ignores it' in text and 'system API' in text and 'before v0.8.0' in text, release


@pytest.mark.parametrize('path,value', [('api.pipeline_version_retention', 5), ('server.url', 'http://x:1'),
                                        ('server.storage_results_limit', 5)])
def test_keys_removed_at_v0_8_4_are_read_before_it_and_named_after_it(path, value):
    given = config(SQLITE_STORE, **{path.replace('.', '__'): value})
    assert 'does not use this setting' in found(validate(given, version='0.8.3'), WARNING, path)
    text = found(validate(given, version='0.8.4'), WARNING, path)
    assert 'Gofer v0.8.4, which silently ignores it' in text and 'Only releases before v0.8.4 read it' in text
    assert found(validate(given, version='0.8.4'), ERROR, path) == ''


@pytest.mark.parametrize('path', ['extensions.install_std_extensions', 'external_events.enable'])
def test_settings_honoured_from_v0_8_4(path):
    given = config(SQLITE_STORE, **{path.replace('.', '__'): False})
    for release in ('0.7.3', '0.8.3'):
        assert 'does not use this setting' in found(validate(given, version=release), WARNING, path), release
    assert found(validate(given, version='0.8.4'), WARNING, path) == ''
    up = found(migration(given, '0.8.3', given, '0.8.4'), WARNING, path)
    assert 'honours it (from v0.8.4), so false now really turns this off' in up
    down = found(migration(given, '0.8.4', given, '0.8.3'), WARNING, path)
    assert 'ignores it (it is honoured only from v0.8.4), so this stays on' in down


def test_hash_in_a_sqlite_path_breaks_only_v0_7():
    # v0.7 opens "file:<path>", where # starts a URI fragment; v0.8 opens "sqlite://<path>" (§2.4).
    given = config(SQLITE_STORE, server__storage_path='/var/lib/gofer/a#b.db')
    assert '"#"' in found(validate(given, version='0.7.3'), ERROR, 'server.storage_path')
    assert found(validate(given, version='0.8.0'), ERROR, 'server.storage_path') == ''
    assert '"?"' in found(validate(config(SQLITE_STORE, server__storage_path='/var/lib/gofer/a?b.db'),
                                   version='0.9.1'), ERROR, 'server.storage_path')


def test_object_store_engine_sqlite_is_a_start_up_error_from_v0_9_0():
    # Observed with the real v0.9.1 (§9.1): unknown variant `sqlite`, expected `filesystem`.
    old = config(SQLITE_STORE)
    text = found(validate(old, version='0.9.1'), ERROR, 'object_store.engine')
    assert 'found "sqlite", which Gofer accepts only before v0.9.0; Gofer v0.9 fails to start' in text
    assert 'Write "filesystem"' in text
    assert 'Only releases before v0.9.0 read it' in found(validate(old, version='0.9.1'), ERROR, 'object_store.sqlite')
    new = config(FILE_STORE)
    assert 'accepts only from v0.9.0' in found(validate(new, version='0.8.4'), ERROR, 'object_store.engine')
    assert 'exists only in Gofer v0.9.0 and later' in found(validate(new, version='0.8.4'), ERROR,
                                                            'object_store.filesystem')


def test_v0_9_pulls_extension_images_at_every_start():
    given = config(FILE_STORE, extensions__install_std_extensions=True)
    text = found(validate(given, version='0.9.0'), WARNING, 'extensions.install_std_extensions')
    assert 'pulls the cron and interval images from ghcr.io at every start' in text and 'set it to false' in text
    assert found(validate(config(SQLITE_STORE, extensions__install_std_extensions=True), version='0.8.4'),
                 WARNING, 'extensions.install_std_extensions') == ''
    # Left out, it defaults to true: still warned, saying so.
    left_out = config(FILE_STORE, extensions__install_std_extensions=None)
    assert 'left out' in found(validate(left_out, version='latest'), WARNING, 'extensions.install_std_extensions')


def test_run_parallelism_limit_was_renamed_after_v0_9_1():
    old_name = config(FILE_STORE, api__run_parallelism_limit=50)
    text = found(validate(old_name, version='latest'), ERROR, 'api.run_parallelism_limit')
    assert 'renamed to api.pipeline_run_concurrency_limit' in text and 'Use api.pipeline_run_concurrency_limit' in text
    new_name = config(FILE_STORE, api__pipeline_run_concurrency_limit=50, extensions__install_std_extensions=False)
    text = found(validate(new_name, version='0.9.1'), ERROR, 'api.pipeline_run_concurrency_limit')
    assert 'exists only in Gofer after v0.9.1' in text and 'In Gofer v0.9 use api.run_parallelism_limit' in text
    assert validate(new_name, version='latest') == []


def test_global_run_concurrency_limit_is_new_and_at_least_one():
    zero = config(FILE_STORE, api__global_run_concurrency_limit=0)
    assert 'no run could ever start' in found(validate(zero, version='latest'), ERROR,
                                              'api.global_run_concurrency_limit')
    assert 'exists only in Gofer after v0.9.1' in found(validate(zero, version='0.9.1'), ERROR,
                                                        'api.global_run_concurrency_limit')
    assert S.defaults_tree('latest')['api']['global_run_concurrency_limit'] == 2000


def test_run_object_expiry_default_dropped_from_50_to_2():
    assert S.defaults_tree('0.9.1')['object_store']['run_object_expiry'] == 50
    assert S.defaults_tree('latest')['object_store']['run_object_expiry'] == 2
    left_out = config(FILE_STORE)
    text = found(migration(left_out, '0.9.1', left_out, 'latest'), WARNING, 'object_store.run_object_expiry')
    assert 'changes from integer 50 (Gofer v0.9) to integer 2' in text
    stated = config(FILE_STORE, object_store__run_object_expiry=50)
    assert found(migration(stated, '0.9.1', stated, 'latest'), WARNING, 'object_store.run_object_expiry') == ''


@pytest.mark.parametrize('old,new,crossed', [
    ('0.7.0', '0.7.2', []), ('0.7.2', '0.7.3', ['v0.7.3']), ('0.7.3', '0.8.0', ['v0.8.0']),
    ('0.8.0', '0.8.1', ['v0.8.1']), ('0.8.1', '0.8.4', []), ('0.8.4', '0.9.0', ['v0.9.0']), ('0.9.0', 'latest', []),
    ('0.7.3', '0.9.1', ['v0.8.0', 'v0.8.1', 'v0.9.0']), ('0.9.1', '0.7.3', ['v0.8.0', 'v0.8.1', 'v0.9.0']),
    ('0.7', '0.7.3', []), ('0.8', '0.8.4', []),
])
def test_database_rewrites_between_releases(old, new, crossed):
    assert S.database_rewrites_between(old, new) == crossed


# -- §5.3: a v0.7.3 config moved to later releases -----------------------------------------------------------------

def test_migration_rename_whose_value_does_not_carry_over():
    old = config(FILE_STORE, api__run_parallelism_limit=50)
    new = config(FILE_STORE)
    text = found(migration(old, '0.9.1', new, 'latest'), WARNING, 'api.pipeline_run_concurrency_limit')
    assert 'renamed api.run_parallelism_limit to api.pipeline_run_concurrency_limit' in text
    assert 'integer 50' in text and 'integer 200' in text
    carried = config(FILE_STORE, api__pipeline_run_concurrency_limit=50)
    assert found(migration(old, '0.9.1', carried, 'latest'), WARNING, 'api.pipeline_run_concurrency_limit') == ''
    # Back down: the new name's value is lost the same way.
    back = found(migration(carried, 'latest', new, '0.9.1'), WARNING, 'api.run_parallelism_limit')
    assert 'integer 50' in back


def test_migration_engine_change_names_the_objects_left_behind():
    old, new = config(SQLITE_STORE), config(FILE_STORE)
    found_up = migration(old, '0.7.3', new, '0.9.1')
    text = found(found_up, WARNING, 'object_store.engine')
    assert 'the objects in the old sqlite store are not migrated' in text and '/var/lib/gofer/objects.db' in text
    assert len([f for f in found_up if f.key == 'object_store.engine']) == 1
    text = found(migration(new, '0.9.1', old, '0.8.4'), WARNING, 'object_store.engine')
    assert 'stored under /var/lib/gofer/objects are not migrated back' in text


def test_migration_removed_setting_that_was_in_use():
    old = config(SQLITE_STORE, api__ignore_pipeline_run_events=True)
    text = found(migration(old, '0.7.3', config(SQLITE_STORE), '0.8.0'), WARNING, 'api.ignore_pipeline_run_events')
    assert 'set it to boolean true' in text and 'system API' in text
    # Left at its default, nothing is lost.
    assert migration(config(SQLITE_STORE), '0.7.3', config(SQLITE_STORE), '0.8.0') == []


def test_migration_findings_only_when_the_release_changes():
    assert migration(config(SQLITE_STORE), '0.7.3', config(SQLITE_STORE), '0.7') == []
    assert migration(config(FILE_STORE), '0.9.0', config(FILE_STORE, object_store__run_object_expiry=9), '0.9.1') == []


def test_never_read_names_are_warnings_in_every_release():
    for release in RELEASES:
        given = config(for_release(release), api__admin_key='x', server__shutdown_timeout='15s')
        result = validate(given, version=release)
        assert 'never reads it' in found(result, WARNING, 'api.admin_key')
        assert 'never reads it' in found(result, WARNING, 'server.shutdown_timeout')


def test_tls_bugs_are_the_same_in_every_release():
    for release in RELEASES:
        given = config(for_release(release), server__use_tls=True)
        assert 'embedded localhost certificate' in found(validate(given, version=release), ERROR, 'server.use_tls')


def test_an_unrecorded_release_is_guessed_from_the_config():
    assert guess_version(config(SQLITE_STORE)) == '0.7'
    assert guess_version(config(FILE_STORE)) == '0.9'
    assert guess_version(config(FILE_STORE, api__pipeline_run_concurrency_limit=1)) == 'latest'
    text = found(migration(config(SQLITE_STORE), None, config(FILE_STORE), '0.9.1'), WARNING, 'object_store.engine')
    assert 'not migrated' in text
    assert 'its release is not recorded' in ' '.join(f.message for f in migration(
        config(SQLITE_STORE), None, config(FILE_STORE), '0.9.1'))


def test_ansible_doc_lists_every_release_line():
    # What `ansible-doc gofer.gofer.server_config` shows for gofer_version names every line the schema supports.
    import yaml
    from ansible_collections.gofer.gofer.plugins.doc_fragments.config import ModuleDocFragment
    from ansible_collections.gofer.gofer.plugins.modules import server_config, server_config_info
    # Both modules take the option from the doc fragment gofer.gofer.config.
    for module in (server_config, server_config_info):
        assert 'gofer.gofer.config' in yaml.safe_load(module.DOCUMENTATION)['extends_documentation_fragment']
    option = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']['gofer_version']
    text = ' '.join(option['description'])
    for line in S.VERSIONS:
        assert 'V(%s)' % line in text, line
    assert option['default'] == S.DEFAULT_VERSION
