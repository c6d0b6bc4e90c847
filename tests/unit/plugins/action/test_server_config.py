# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import json
import os
from unittest.mock import MagicMock

import pytest

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext

from ansible_collections.gofer.gofer.plugins.action.server_config import ActionModule

cryptography = pytest.importorskip('cryptography')
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

KEY = '0123456789abcdef0123456789abcdef'
GOOD = '''
[api]
task_execution_logs_dir = "/var/lib/gofer/logs"
[server]
storage_path = "/var/lib/gofer/gofer.db"
[development]
bypass_auth = false
use_included_certs = false
[scheduler.docker]
prune = false
[object_store.sqlite]
path = "/var/lib/gofer/objects.db"
[secret_store.sqlite]
path = "/srv/gofer-secrets/secrets.db"
encryption_key = "%s"
''' % KEY
EVENTS_TLS = GOOD + '''
[external_events]
use_tls = false
tls_cert_path = "/etc/gofer/tls/events.crt"
tls_key_path = "/etc/gofer/tls/events.key"
'''


def make_action(args, files_dir, module_result=None):
    task = MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = False
    task.action = 'gofer.gofer.server_config'
    connection = MagicMock()
    connection._shell.tmpdir = '/tmp/remote'
    loader = DataLoader()
    action = ActionModule(task, connection, PlayContext(), loader, templar=None, shared_loader_obj=None)
    # The plugin loader sets it; ansible-core 2.17 and 2.18 name it in argument errors.
    action._load_name = 'gofer.gofer.server_config'

    def find_needle(dirname, needle):
        path = os.path.join(str(files_dir), needle)
        if not os.path.exists(path):
            raise AnsibleError('not found')
        return path

    action._find_needle = find_needle
    action._execute_module = MagicMock(return_value=dict({'changed': True, 'findings': []}, **(module_result or {})))
    return action


def run(args, files_dir, **kwargs):
    action = make_action(args, files_dir, **kwargs)
    return action.run(task_vars={}), action._execute_module


def module_args(executed):
    assert executed.call_count == 1
    return executed.call_args.kwargs['module_args']


def test_valid_config_runs_the_module_once_with_the_plan(tmp_path):
    result, executed = run({'content': GOOD}, tmp_path)
    assert result['changed'] is True
    args = module_args(executed)
    assert args['content'] == GOOD
    assert args['dest'] == '/etc/gofer/gofer_web.toml'
    assert args['_data_dirs'] == [
        {'path': '/srv/gofer-secrets', 'key': 'secret_store.sqlite.path'},
        {'path': '/var/lib/gofer', 'key': 'server.storage_path, object_store.sqlite.path'},
        {'path': '/var/lib/gofer/logs', 'key': 'api.task_execution_logs_dir'},
    ]
    assert args['_secrets'] == [KEY]
    assert args['_sqlite_files'][0] == {'path': '/var/lib/gofer/gofer.db', 'key': 'server.storage_path'}
    assert args['_tls_files'] == [] and args['_tls_expected'] == []


def test_invalid_config_fails_on_the_controller_and_never_runs_the_module(tmp_path):
    bad = GOOD.replace('[server]\n', '[server]\nbind_address = "localhost:8080"\n')
    result, executed = run({'content': bad}, tmp_path)
    assert result['failed'] is True
    assert executed.call_count == 0
    assert 'nothing was changed' in result['msg']
    assert '- server.bind_address: "localhost:8080" is not IP:port' in result['msg']
    assert [f['key'] for f in result['findings']] == ['server.bind_address']


def test_toml_syntax_error(tmp_path):
    result, executed = run({'content': GOOD + '\n[api\n'}, tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert result['msg'].startswith('content is not valid TOML: ')
    assert 'line' in result['msg']


def test_errors_never_echo_the_encryption_key(tmp_path):
    bad = GOOD.replace(KEY, KEY + 'x')
    result, executed = run({'content': bad}, tmp_path)
    assert result['failed'] is True
    assert 'secret_store.sqlite.encryption_key: is 33 bytes' in result['msg']
    assert KEY not in repr(result)


def test_src_is_read_from_the_controller(tmp_path):
    (tmp_path / 'gofer_web.toml').write_text(GOOD)
    _result, executed = run({'src': 'gofer_web.toml'}, tmp_path)
    assert module_args(executed)['content'] == GOOD
    assert 'src' not in module_args(executed)


def test_src_missing(tmp_path):
    result, executed = run({'src': 'nope.toml'}, tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert result['msg'].startswith('src: nope.toml was not found on the controller')


def test_src_not_utf8(tmp_path):
    (tmp_path / 'latin1.toml').write_bytes(b'[api]\nlog_level = "caf\xe9"\n')
    result, _executed = run({'src': 'latin1.toml'}, tmp_path)
    assert result['failed'] is True and 'is not UTF-8 text' in result['msg']


@pytest.mark.parametrize('args,fragment', [
    ({'content': GOOD, 'src': 'x.toml'}, 'mutually exclusive'),
    ({}, 'one of the following is required'),
    ({'content': GOOD, 'dset': '/etc/x'}, 'dset'),
    # What the action plugin fills in for the module is not a task's to set.
    ({'content': GOOD, '_data_dirs': [{'path': '/', 'key': 'server.storage_path'}]}, '_data_dirs'),
    ({'content': GOOD, '_old_key': 'same'}, '_old_key'),
    ({'content': GOOD, 'gofer_version': '0.6'}, 'gofer_version: Gofer version "0.6" is not supported'),
    ({'content': GOOD, 'gofer_version': '1.0.0'}, 'gofer_version: Gofer version "1.0.0" is not supported'),
    ({'content': GOOD, 'gofer_version': '0.7.x'}, 'gofer_version: Gofer version "0.7.x" is not supported'),
])
def test_bad_task_arguments(tmp_path, args, fragment):
    with pytest.raises(AnsibleActionFail, match=fragment):
        make_action(args, tmp_path).run(task_vars={})


def test_warnings_are_returned_and_shown(tmp_path):
    result, _executed = run({'content': GOOD.replace('prune = false', 'prune = true')}, tmp_path)
    assert any(w.startswith('scheduler.docker.prune: is true') for w in result['warnings'])
    assert {'level': 'warning', 'key': 'scheduler.docker.prune'}.items() <= result['findings'][0].items()


def test_insecure_settings_need_the_opt_in(tmp_path):
    insecure = GOOD.replace('bypass_auth = false', 'bypass_auth = true')
    result, executed = run({'content': insecure}, tmp_path)
    assert result['failed'] is True and 'development.bypass_auth: is true' in result['msg']
    result, executed = run({'content': insecure, 'allow_insecure': True}, tmp_path)
    assert executed.call_count == 1
    assert any(w.startswith('development.bypass_auth') for w in result['warnings'])


# -- TLS sources --------------------------------------------------------------

def make_pair(directory, name, days=30, pkcs8=True, key=None):
    key = key or ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'gofer.test')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=2)).not_valid_after(now + datetime.timedelta(days=days))
            .sign(key, hashes.SHA256()))
    fmt = serialization.PrivateFormat.PKCS8 if pkcs8 else serialization.PrivateFormat.TraditionalOpenSSL
    (directory / (name + '.crt')).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
    (directory / (name + '.key')).write_bytes(key_pem)
    return key_pem.decode()


def tls_args(content, cert='events.crt', key='events.key'):
    return {'content': content, 'allow_insecure': True,
            'tls_src': {'external_events': {'cert': cert, 'key': key}}}


def test_tls_sources_are_checked_and_sent(tmp_path):
    key_pem = make_pair(tmp_path, 'events')
    content = EVENTS_TLS.replace('[server]\n', '[server]\nuse_tls = true\n')
    result, executed = run(tls_args(content), tmp_path)
    args = module_args(executed)
    assert [(f['path'], f['kind']) for f in args['_tls_files']] == [
        ('/etc/gofer/tls/events.crt', 'cert'), ('/etc/gofer/tls/events.key', 'key')]
    assert key_pem in args['_secrets'], 'the private key must be masked in module output'
    assert key_pem not in repr(result)


def test_tls_key_must_be_pkcs8(tmp_path):
    make_pair(tmp_path, 'events', pkcs8=False)
    content = EVENTS_TLS.replace('[server]\n', '[server]\nuse_tls = true\n')
    result, executed = run(tls_args(content), tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert 'tls_src.external_events.key (events.key) must hold exactly one unencrypted PKCS#8 PEM key' in result['msg']
    assert 'found "BEGIN EC PRIVATE KEY"' in result['msg']


def test_tls_mismatched_pair(tmp_path):
    make_pair(tmp_path, 'events')
    make_pair(tmp_path, 'other')
    content = EVENTS_TLS.replace('[server]\n', '[server]\nuse_tls = true\n')
    result, executed = run(tls_args(content, key='other.key'), tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert 'does not match the certificate' in result['msg']


def test_tls_expired_certificate_warns(tmp_path):
    make_pair(tmp_path, 'events', days=-1)
    content = EVENTS_TLS.replace('[server]\n', '[server]\nuse_tls = true\n')
    result, executed = run(tls_args(content), tmp_path)
    assert executed.call_count == 1
    assert any('events.crt) expired on' in w for w in result['warnings'])


def test_tls_source_for_files_gofer_does_not_read(tmp_path):
    make_pair(tmp_path, 'events')
    result, executed = run(tls_args(GOOD), tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert result['msg'].startswith('tls_src.external_events: Gofer reads external_events.tls_cert_path')


def test_tls_paths_without_sources_must_exist_on_the_target(tmp_path):
    content = EVENTS_TLS.replace('[server]\n', '[server]\nuse_tls = true\n')
    _result, executed = run({'content': content, 'allow_insecure': True}, tmp_path)
    assert module_args(executed)['_tls_expected'] == [
        {'path': '/etc/gofer/tls/events.crt', 'key': 'external_events.tls_cert_path'},
        {'path': '/etc/gofer/tls/events.key', 'key': 'external_events.tls_key_path'}]


def test_tls_cert_without_key(tmp_path):
    make_pair(tmp_path, 'events')
    content = EVENTS_TLS.replace('[server]\n', '[server]\nuse_tls = true\n')
    result, _executed = run({'content': content, 'allow_insecure': True,
                             'tls_src': {'external_events': {'cert': 'events.crt'}}}, tmp_path)
    assert result['failed'] is True and 'give both cert and key' in result['msg']


def test_operator_marked_secrets_are_masked_in_findings_and_errors(tmp_path):
    marked = GOOD.replace('[server]\n', '[server]\nurl = "https://gofer.test/?token=tok-123456"\n')
    result, _executed = run({'content': marked, 'secret_values': ['tok-123456']}, tmp_path)
    assert 'tok-123456' not in repr(result)
    assert any('token=********' in f['message'] for f in result['findings'])
    failing = marked.replace('[api]\n', '[api]\nlog_level = "tok-123456"\n')
    result, _executed = run({'content': failing, 'secret_values': ['tok-123456']}, tmp_path)
    assert result['failed'] is True
    assert 'api.log_level: "********" is not a level' in result['msg']
    assert 'tok-123456' not in repr(result)


def test_role_variables_that_mirror_module_options_keep_their_defaults():
    import yaml
    from ansible_collections.gofer.gofer.plugins.module_utils import _argspec
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..')
    with open(os.path.join(root, 'roles', 'server', 'meta', 'argument_specs.yml')) as f:
        role = yaml.safe_load(f)['argument_specs']['main']['options']
    module = _argspec.user_options()
    mirrored = {'gofer_config_dest': 'dest',
                'gofer_service_user': 'service_user', 'gofer_service_group': 'service_group',
                'gofer_allow_insecure': 'allow_insecure', 'gofer_config_backup': 'backup',
                'gofer_accept_secret_store_data_loss': 'accept_secret_store_data_loss',
                'gofer_secret_values': 'secret_values'}
    for variable, option in mirrored.items():
        for field in ('type', 'default', 'choices', 'elements'):
            assert role[variable].get(field) == module[option].get(field), (variable, field)


# -- hardening: secrets in every form, hostile input, target options ------------------------

OLD_KEY = 'fedcba9876543210fedcba9876543210'
KEY_FORMS = {
    'plain': '[secret_store.sqlite]\npath = "/var/lib/gofer/secrets.db"\nencryption_key = "{k}"\n',
    'dotted': '[secret_store]\nsqlite.path = "/var/lib/gofer/secrets.db"\nsqlite.encryption_key = "{k}"\n',
    'inline': '[secret_store]\nsqlite = {{ path = "/var/lib/gofer/secrets.db", encryption_key = "{k}" }}\n',
    'quoted-name': '[secret_store.sqlite]\npath = "/var/lib/gofer/secrets.db"\n"encryption_key" = \'{k}\'\n',
    'escaped': '[secret_store.sqlite]\npath = "/var/lib/gofer/secrets.db"\nencryption_key = "{e}"\n',
    'multi-line': '[secret_store.sqlite]\npath = "/var/lib/gofer/secrets.db"\nencryption_key = """\\\n{k}"""\n',
}


def with_key(form, key):
    escaped = ''.join('\\u%04x' % ord(c) for c in key)
    return GOOD.split('[secret_store.sqlite]', maxsplit=1)[0] + KEY_FORMS[form].format(k=key, e=escaped)


@pytest.mark.parametrize('form', sorted(KEY_FORMS))
def test_the_diff_masks_both_keys_by_their_parsed_value_whatever_their_form(tmp_path, form):
    texts = {'before': with_key(form, OLD_KEY)}
    module_result = {'diff': [{'before_header': '/etc/gofer/gofer_web.toml', 'after_header': '/etc/gofer/gofer_web.toml',
                               '_gofer_config': True}], '_gofer_config_texts': texts}
    result, _executed = run({'content': with_key(form, KEY)}, tmp_path, module_result=module_result)
    assert 'failed' not in result, result.get('msg')
    shown = repr(result)
    assert KEY not in shown and OLD_KEY not in shown
    assert ''.join('\\u%04x' % ord(c) for c in OLD_KEY) not in shown
    assert '_gofer_config_texts' not in result
    diff = result['diff'][0]
    assert 'secret_store.sqlite.encryption_key = "********"  # a different value' in diff['before']
    assert 'secret_store.sqlite.encryption_key = "********"  # a different value' in diff['after']
    assert 'server.storage_path = "/var/lib/gofer/gofer.db"' in diff['after']


def test_a_previous_file_that_is_not_toml_is_not_shown(tmp_path):
    texts = {'before': 'encryption_key = %s garbage [[' % OLD_KEY}
    module_result = {'diff': [{'before_header': 'x', 'after_header': 'x', '_gofer_config': True}],
                     '_gofer_config_texts': texts}
    result, _executed = run({'content': GOOD}, tmp_path, module_result=module_result)
    assert OLD_KEY not in repr(result)
    assert 'not a TOML config Gofer could read; not shown' in result['diff'][0]['before']


@pytest.mark.parametrize('form', sorted(KEY_FORMS))
def test_the_key_guard_reads_the_placed_config_as_toml(tmp_path, form):
    # Without a valid record on the target, the module hands the placed config to the controller, which
    # parses it and runs the module again with the verdict.
    action = make_action({'content': GOOD}, tmp_path)
    action._execute_module = MagicMock(side_effect=[
        {'changed': False, '_gofer_old_config': with_key(form, OLD_KEY)},
        {'changed': False, 'findings': []}])
    result = action.run(task_vars={})
    assert action._execute_module.call_count == 2
    assert action._execute_module.call_args.kwargs['module_args']['_old_key'] == 'different'
    assert OLD_KEY not in repr(result) and '_gofer_old_config' not in result


@pytest.mark.parametrize('old,verdict', [
    (GOOD, 'same'),
    (GOOD.replace(KEY, '********'), 'same'),
    ('this is [ not toml', 'unknown'),
    ('[secret_store.sqlite]\nencryption_key = 5\n', 'unknown'),
    ('[api]\n', 'unknown'),
])
def test_key_guard_verdicts(tmp_path, old, verdict):
    action = make_action({'content': GOOD}, tmp_path)
    action._execute_module = MagicMock(side_effect=[{'changed': False, '_gofer_old_config': old},
                                                    {'changed': False, 'findings': []}])
    action.run(task_vars={})
    assert action._execute_module.call_args.kwargs['module_args']['_old_key'] == verdict


@pytest.mark.parametrize('content', [
    'a = ' + '[' * 5000 + ']' * 5000 + '\n',
    'a = ' + '{ b = ' * 3000 + '1' + ' }' * 3000 + '\n',
    '.'.join('k%d' % i for i in range(5000)) + ' = 1\n',
    '[' + '.'.join('t%d' % i for i in range(5000)) + ']\n',
], ids=['arrays', 'inline-tables', 'dotted-key', 'table-header'])
def test_deep_nesting_is_a_clear_error(tmp_path, content):
    result, executed = run({'content': content}, tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert 'nests tables or arrays more than 16 levels deep' in result['msg']
    assert 'Traceback' not in result['msg'] and 'RecursionError' not in result['msg']


def test_an_integer_too_long_for_python_to_read_is_a_clear_error(tmp_path):
    result, executed = run({'content': GOOD + '[extensions]\nstop_timeout = %s\n' % ('9' * 5000)}, tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert result['msg'] == ('content holds a number of thousands of digits, which cannot be read; a Gofer integer '
                             'has at most 19 digits. Nothing was changed.')


def test_a_value_in_a_secrets_place_but_of_the_wrong_shape_is_masked(tmp_path):
    content = GOOD.split('[secret_store.sqlite]', maxsplit=1)[0] + '[secret_store]\nsqlite = "%s"\n' % KEY
    result, executed = run({'content': content}, tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert 'secret_store.sqlite: found a string (not shown' in result['msg']
    assert KEY not in repr(result)


def test_a_relative_dest_is_refused(tmp_path):
    result, executed = run({'content': GOOD, 'dest': 'etc/gofer_web.toml'}, tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert result['msg'].startswith('dest: "etc/gofer_web.toml" is not an absolute path')


@pytest.mark.parametrize('mode,refused', [
    ('0644', True), ('644', True), (0o604, True), ('u=rw,g=r,o=r', True), ('a+r', True), ('+r', True),
    ('0640', False), ('0600', False), ('u=rw,g=r', False), ('o-r', False), ('go-rwx', False),
])
def test_a_mode_others_can_read_is_refused_unless_insecure_is_allowed(tmp_path, mode, refused):
    result, executed = run({'content': GOOD, 'mode': mode}, tmp_path)
    assert (result.get('failed') is True) is refused
    if refused:
        assert result['msg'].startswith('mode: ') and 'encryption key' in result['msg']
        allowed, _executed = run({'content': GOOD, 'mode': mode, 'allow_insecure': True}, tmp_path)
        assert 'failed' not in allowed


def test_a_malformed_pem_header_never_quotes_the_key(tmp_path):
    make_pair(tmp_path, 'events')
    secret = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRET'
    (tmp_path / 'events.key').write_text('-----BEGIN PRIVATE KEY\n%s\n-----END PRIVATE KEY-----\n' % secret)
    content = EVENTS_TLS.replace('[server]\n', '[server]\nuse_tls = true\n')
    result, executed = run(tls_args(content), tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert 'PEM header that is not well-formed' in result['msg']
    assert 'SECRETSECRET' not in repr(result)


def test_certificate_bytes_travel_unchanged(tmp_path):
    make_pair(tmp_path, 'events')
    raw = b'subject=CN=t\xc3\xa9st\n' + (tmp_path / 'events.crt').read_bytes()
    (tmp_path / 'events.crt').write_bytes(raw)
    content = EVENTS_TLS.replace('[server]\n', '[server]\nuse_tls = true\n')
    _result, executed = run(tls_args(content), tmp_path)
    cert = [f for f in module_args(executed)['_tls_files'] if f['kind'] == 'cert'][0]
    assert cert['content'].encode('latin-1') == raw


# -- releases (#12) ----------------------------------------------------------------------------------------------

V0_9 = GOOD.replace('[object_store.sqlite]\npath = "/var/lib/gofer/objects.db"\n',
                    '[object_store]\nengine = "filesystem"\n[object_store.filesystem]\npath = "/var/lib/gofer/objects"\n'
                    '[extensions]\ninstall_std_extensions = false\n')


def test_a_v0_9_config_plans_the_object_store_directory_and_no_sqlite_object_file(tmp_path):
    result, executed = run({'content': V0_9, 'gofer_version': '0.9.1'}, tmp_path)
    args = module_args(executed)
    assert {'path': '/var/lib/gofer/objects', 'key': 'object_store.filesystem.path'} in args['_data_dirs']
    assert [f['key'] for f in args['_sqlite_files']] == ['server.storage_path', 'secret_store.sqlite.path']
    assert args['gofer_version'] == '0.9.1' and args['_database'] == '/var/lib/gofer/gofer.db'
    assert args['accept_database_reset'] is False


def test_a_v0_7_config_for_v0_9_fails_on_the_controller(tmp_path):
    result, executed = run({'content': GOOD, 'gofer_version': '0.9.1'}, tmp_path)
    assert result['failed'] is True and executed.call_count == 0
    assert 'object_store.sqlite: is not read by Gofer v0.9' in result['msg']


def test_migration_steps_are_reported_when_the_host_had_another_release(tmp_path):
    placed = {'config_changed': True, 'previous_version': '0.7.3', '_gofer_config_texts': {'before': GOOD}}
    result, _executed = run({'content': V0_9, 'gofer_version': '0.9.1'}, tmp_path, module_result=placed)
    engine = [f for f in result['findings'] if f['key'] == 'object_store.engine']
    assert len(engine) == 1 and 'not migrated' in engine[0]['message'] and '/var/lib/gofer/objects.db' in engine[0]['message']
    assert any('objects in the old sqlite store are not migrated' in w for w in result['warnings'])
    assert '_gofer_config_texts' not in result and KEY not in json.dumps(result)


def test_no_migration_steps_for_the_same_release(tmp_path):
    placed = {'config_changed': True, 'previous_version': '0.9.1', '_gofer_config_texts': {'before': GOOD}}
    result, _executed = run({'content': V0_9, 'gofer_version': '0.9.1'}, tmp_path, module_result=placed)
    assert not [f for f in result['findings'] if f['key'] == 'object_store.engine']


def test_a_recorded_release_this_collection_does_not_know_is_guessed_not_a_crash(tmp_path):
    placed = {'config_changed': True, 'previous_version': '0.10.0', '_gofer_config_texts': {'before': GOOD}}
    result, _executed = run({'content': V0_9, 'gofer_version': '0.9.1'}, tmp_path, module_result=placed)
    assert 'failed' not in result
    engine = [f for f in result['findings'] if f['key'] == 'object_store.engine']
    assert engine and 'its release is not recorded' in engine[0]['message']


# -- GOFER_WEB_* variables of the service's environment, which Gofer reads over the file ----------------

def env_run(tmp_path, environment, role=None, **args):
    action = make_action(dict({'content': GOOD, 'service_environment': environment}, **args), tmp_path)
    action._task._role = role
    return action.run(task_vars={}), action._execute_module


def test_a_variable_that_turns_on_bypass_auth_is_refused_naming_it(tmp_path):
    result, executed = env_run(tmp_path, {'GOFER_WEB_DEVELOPMENT__BYPASS_AUTH': 'true'})
    assert result['failed'] is True and executed.call_count == 0
    assert result['msg'].startswith('The Gofer config (content, with service_environment over it) is invalid; '
                                    'nothing was changed. 1 error:\n- service_environment.'
                                    'GOFER_WEB_DEVELOPMENT__BYPASS_AUTH: Gofer reads this variable over the config '
                                    'file. development.bypass_auth: is true')
    assert [f['key'] for f in result['findings']] == ['service_environment.GOFER_WEB_DEVELOPMENT__BYPASS_AUTH']


def test_in_the_role_the_message_names_the_role_variable(tmp_path):
    role = MagicMock()
    role.get_name.return_value = 'gofer.gofer.server'
    result, _executed = env_run(tmp_path, {'gofer_web_development__bypass_auth': 'true'}, role=role)
    assert ('- gofer_service_environment.gofer_web_development__bypass_auth: Gofer reads this variable over the '
            'config file. development.bypass_auth: is true') in result['msg']
    assert 'with gofer_service_environment over it' in result['msg']


def test_allow_insecure_lets_the_variable_through_as_a_warning(tmp_path):
    result, executed = env_run(tmp_path, {'GOFER_WEB_DEVELOPMENT__BYPASS_AUTH': 'true'}, allow_insecure=True)
    assert 'failed' not in result and executed.call_count == 1
    assert any(w.startswith('service_environment.GOFER_WEB_DEVELOPMENT__BYPASS_AUTH: Gofer reads this variable')
               for w in result['warnings'])


@pytest.mark.parametrize('environment,key,fragment', [
    # figment parses the value: "3" is an integer, which the log level string refuses.
    ({'GOFER_WEB_API__LOG_LEVEL': '3'}, 'GOFER_WEB_API__LOG_LEVEL', 'api.log_level: found integer 3'),
    ({'GOFER_WEB_SCHEDULER__DOCKER__TIMEOUT': '5m'}, 'GOFER_WEB_SCHEDULER__DOCKER__TIMEOUT',
     'scheduler.docker.timeout: found string "5m"'),
    ({'GOFER_WEB_SCHEDULER__DOCKER__TIMEOUT': '300.0'}, 'GOFER_WEB_SCHEDULER__DOCKER__TIMEOUT', 'found float'),
    ({'GOFER_WEB_SERVER__BIND_ADDRESS': 'localhost:8080'}, 'GOFER_WEB_SERVER__BIND_ADDRESS', 'is not IP:port'),
    ({'GOFER_WEB_DEVELOPMENT': '{bypass_auth=true}'}, 'GOFER_WEB_DEVELOPMENT', 'development.bypass_auth: is true'),
    # A YAML boolean reaches the unit as True, which Gofer reads as a string.
    ({'GOFER_WEB_DEVELOPMENT__PRETTY_LOGGING': True}, 'GOFER_WEB_DEVELOPMENT__PRETTY_LOGGING',
     'the unit writes a YAML boolean as True or False'),
    ({'GOFER_WEB_API__LOG_LEVL': 'info'}, 'GOFER_WEB_API__LOG_LEVL', 'Did you mean GOFER_WEB_API__LOG_LEVEL?'),
    ({'GOFER_WEB_SERVERR__URL': 'x'}, 'GOFER_WEB_SERVERR__URL', 'Did you mean GOFER_WEB_SERVER?'),
    ({'GOFER_WEB_API____LOG_LEVEL': 'info'}, 'GOFER_WEB_API____LOG_LEVEL', 'names no config key'),
    ({'GOFER_WEB_API__LOG_LEVEL': ''}, 'GOFER_WEB_API__LOG_LEVEL', 'is empty'),
    ({'GOFER_WEB_API__LOG_LEVEL': 'info', 'gofer_web_api__log_level': 'warn'}, 'gofer_web_api__log_level',
     'sets api.log_level, as GOFER_WEB_API__LOG_LEVEL does'),
    ({'RUST_LOG': None}, 'RUST_LOG', 'is null; an environment variable holds text'),
    ({'GOFER_WEB_API__LOG_LEVEL': ['info']}, 'GOFER_WEB_API__LOG_LEVEL', 'is a list'),
    ({'FOO': {'a': 1}}, 'FOO', 'is a mapping'),
])
def test_each_bad_variable_is_an_error_naming_it(tmp_path, environment, key, fragment):
    result, executed = env_run(tmp_path, environment)
    assert result['failed'] is True and executed.call_count == 0
    errors = [f for f in result['findings'] if f['key'] == 'service_environment.' + key]
    assert errors, result['findings']
    assert errors[0]['message'].startswith('service_environment.%s: ' % key)
    assert fragment in errors[0]['message']


def test_variables_that_are_not_gofer_web_and_good_ones_pass_and_never_reach_the_module(tmp_path):
    environment = {'RUST_LOG': 'info', 'HOME': '/var/lib/gofer', 'GOFER_WEB_API__LOG_LEVEL': 'warn',
                   'GOFER_WEB_SCHEDULER__DOCKER__TIMEOUT': 600, 'GOFER_WEB_DEVELOPMENT__PRETTY_LOGGING': 'false'}
    result, executed = env_run(tmp_path, environment)
    assert 'failed' not in result, result.get('msg')
    assert 'service_environment' not in module_args(executed)
    assert 'warn' not in json.dumps(module_args(executed)['_secrets'])


def test_a_variable_is_merged_over_the_file_as_gofer_merges_it(tmp_path):
    # The file's 300 s docker timeout is below the 600 s stop timeout the variable sets; both are named.
    result, _executed = env_run(tmp_path, {'GOFER_WEB_API__TASK_EXECUTION_STOP_TIMEOUT': '600'})
    assert result['failed'] is True
    assert ('service_environment.GOFER_WEB_API__TASK_EXECUTION_STOP_TIMEOUT: Gofer reads this variable over the '
            'config file. scheduler.docker.timeout: ') in result['msg']
    # A variable can also mend the file: the key it sets is what Gofer reads.
    result, _executed = env_run(tmp_path, {}, content=GOOD.replace('bypass_auth = false\n', ''))
    assert result['failed'] is True
    result, _executed = env_run(tmp_path, {'GOFER_WEB_DEVELOPMENT__BYPASS_AUTH': 'false'},
                                content=GOOD.replace('bypass_auth = false\n', ''))
    assert 'failed' not in result


@pytest.mark.parametrize('value', ['"tooshortkey"', 'tooshortkey', '{encryption_key="tooshortkey"}'])
def test_a_variable_on_the_encryption_key_is_never_shown(tmp_path, value):
    name = ('GOFER_WEB_SECRET_STORE__SQLITE' if value.startswith('{')
            else 'GOFER_WEB_SECRET_STORE__SQLITE__ENCRYPTION_KEY')
    result, executed = env_run(tmp_path, {name: value})
    assert result['failed'] is True and executed.call_count == 0
    assert 'service_environment.%s: Gofer reads this variable over the config file. ' % name in result['msg']
    assert 'secret_store.sqlite.encryption_key: is 11 bytes' in result['msg']
    assert 'tooshortkey' not in json.dumps(result)


def test_a_good_key_from_a_variable_is_masked_in_what_goes_to_the_module(tmp_path):
    other = 'A' * 32
    result, executed = env_run(tmp_path, {'GOFER_WEB_SECRET_STORE__SQLITE__ENCRYPTION_KEY': '"%s"' % other})
    assert 'failed' not in result
    assert other in module_args(executed)['_secrets'], 'the module masks it wherever it appears'
