# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gofer.gofer.server_config_info on the controller: parse, validate, mask, and ask the target about the paths."""

from __future__ import annotations

import json
from unittest.mock import MagicMock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext

from ansible_collections.gofer.gofer.plugins.action.server_config_info import ActionModule

KEY = 'Sup3rSecretKeyOf32BytesExactly!!'
PLACED = '''
[api]
log_level = "warn"
task_execution_logs_dir = "/var/lib/gofer/logs"
[server]
storage_path = "/var/lib/gofer/gofer.db"
[development]
bypass_auth = false
use_included_certs = false
[scheduler.docker]
prune = false
[object_store]
engine = "filesystem"
[object_store.filesystem]
path = "/var/lib/gofer/objects"
[extensions]
install_std_extensions = false
[secret_store.sqlite]
path = "/var/lib/gofer/secrets.db"
encryption_key = "%s"
''' % KEY


def run(args, read):
    task = MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = False
    task.action = 'gofer.gofer.server_config_info'
    action = ActionModule(task, MagicMock(), PlayContext(), DataLoader(), templar=None, shared_loader_obj=None)
    # The plugin loader sets it; ansible-core 2.17 and 2.18 name it in argument errors.
    action._load_name = 'gofer.gofer.server_config_info'

    def execute(module_name, module_args, task_vars):
        if '_paths' in module_args:
            return {'paths': [{'path': p, 'exists': True, 'type': 'directory', 'owner': 'gofer', 'group': 'gofer',
                               'mode': '0750'} for p in module_args['_paths']]}
        return dict(read)
    action._execute_module = MagicMock(side_effect=execute)
    return action.run(task_vars={}), action._execute_module


def test_a_placed_config_is_parsed_validated_and_masked():
    read = {'changed': False, 'exists': True, 'dest': '/etc/gofer/gofer_web.toml', 'recorded_version': '0.9.1',
            'file': {'owner': 'root', 'group': 'gofer', 'mode': '0640'}, '_gofer_config_text': PLACED}
    result, executed = run({'gofer_version': '0.9.1'}, read)
    assert result['valid'] is True and result['changed'] is False
    assert result['config']['api']['log_level'] == 'warn'
    assert result['config']['secret_store']['sqlite'] == {'path': '/var/lib/gofer/secrets.db', 'encryption_key': '********'}
    assert KEY not in json.dumps(result) and '_gofer_config_text' not in result
    paths = {item['path']: item['keys'] for item in result['paths']}
    assert paths['/var/lib/gofer'] == ['server.storage_path', 'secret_store.sqlite.path']
    assert paths['/var/lib/gofer/objects'] == ['object_store.filesystem.path']
    assert paths['/var/lib/gofer/gofer.db'] == ['server.storage_path']
    assert executed.call_count == 2
    assert result['recorded_version'] == '0.9.1'


def test_the_same_config_read_for_another_release_is_not_valid():
    read = {'exists': True, '_gofer_config_text': PLACED}
    result, _executed = run({'gofer_version': '0.7.3'}, read)
    assert result['valid'] is False
    assert any(f['key'] == 'object_store.engine' and f['level'] == 'error' for f in result['findings'])


def test_a_missing_config_is_a_finding_not_a_failure():
    result, executed = run({}, {'exists': False, 'dest': '/etc/gofer/gofer_web.toml'})
    assert result['exists'] is False and result['valid'] is False and result['config'] is None
    assert result['findings'][0]['message'] == 'dest: /etc/gofer/gofer_web.toml does not exist.'
    assert 'failed' not in result and executed.call_count == 1


def test_text_that_is_not_toml_says_so_without_showing_it():
    result, _executed = run({}, {'exists': True, '_gofer_config_text': 'encryption_key = "%s' % KEY})
    assert result['valid'] is False and 'is not valid TOML' in result['findings'][0]['message']
    assert KEY not in json.dumps(result)


def test_secret_values_are_masked_everywhere():
    read = {'exists': True, '_gofer_config_text': PLACED.replace('"warn"', '"warn-token-abc"')}
    result, _executed = run({'gofer_version': '0.9.1', 'secret_values': ['token-abc']}, read)
    assert 'token-abc' not in json.dumps(result)


def test_an_unsupported_release_fails_before_the_host_is_asked():
    with pytest.raises(AnsibleActionFail, match='gofer_version: Gofer version "0.2" is not supported'):
        run({'gofer_version': '0.2'}, {})


def test_the_paths_the_action_plugin_fills_in_are_not_a_tasks_to_set():
    with pytest.raises(AnsibleActionFail, match='_paths'):
        run({'_paths': ['/etc/shadow']}, {})


def test_a_config_whose_paths_start_with_two_slashes_is_read_in_bounded_time():
    # The validator used to loop for ever on "//": posixpath keeps two leading slashes and dirname("//") is "//".
    import signal

    def expired(_signum, _frame):
        raise AssertionError('still running after 5 s')
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 5)
    try:
        read = {'exists': True, '_gofer_config_text': PLACED.replace('"/var/lib/gofer/', '"//var/lib/gofer/')}
        result, _executed = run({'gofer_version': '0.9.1'}, read)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert result['valid'] is True
    paths = {item['path']: item['keys'] for item in result['paths']}
    assert paths['/var/lib/gofer'] == ['server.storage_path', 'secret_store.sqlite.path']
    assert paths['/var/lib/gofer/gofer.db'] == ['server.storage_path']


def test_a_file_the_target_could_not_use_is_a_finding_naming_it():
    problem = 'is a named pipe (FIFO), not a regular file; Gofer reads no config from it'
    result, executed = run({}, {'exists': False, 'dest': '/etc/gofer/gofer_web.toml', '_gofer_config_problem': problem,
                                'file': {'type': 'other', 'is_link': False}})
    assert result['valid'] is False and result['config'] is None and 'failed' not in result
    assert result['findings'] == [{'level': 'error', 'key': 'dest', 'message': 'dest: /etc/gofer/gofer_web.toml %s.'
                                   % problem}]
    assert '_gofer_config_problem' not in result and executed.call_count == 1
