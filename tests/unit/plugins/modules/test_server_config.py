# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import grp
import json
import os
import pwd
import socket
import stat

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.gofer.gofer.plugins.modules import server_config

KEY = '0123456789abcdef0123456789abcdef'
OLD_KEY = 'fedcba9876543210fedcba9876543210'
USER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name
CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
PRIVATE = '-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n'


def config_text(base, key=KEY):
    return ('[server]\nstorage_path = "%s/data/gofer.db"\n[secret_store.sqlite]\npath = "%s/data/secrets.db"\n'
            'encryption_key = "%s"\n' % (base, base, key))


@pytest.fixture
def target(tmp_path, monkeypatch):
    monkeypatch.setattr(server_config, 'DOCKER_SOCKET', str(tmp_path / 'no-docker.sock'))
    return tmp_path


def args_for(base, **extra):
    args = {
        'content': config_text(base),
        'dest': str(base / 'etc' / 'gofer' / 'gofer_web.toml'),
        'service_user': USER,
        'service_group': GROUP,
        'owner': USER,
        '_data_dirs': [{'path': str(base / 'data'), 'key': 'server.storage_path, secret_store.sqlite.path'},
                       {'path': str(base / 'logs'), 'key': 'api.task_execution_logs_dir'}],
        '_tls_files': [],
        '_tls_expected': [],
        '_secrets': [KEY],
    }
    args.update(extra)
    return args


def run(capsys, args, check=False, diff=False):
    args = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            server_config.main()
    out = capsys.readouterr().out
    return json.loads(out), out


def warning_texts(result):
    """Module warnings are plain strings before ansible-core 2.19 and WarningSummary dicts since."""
    return [w if isinstance(w, str) else w['event']['msg'] for w in result.get('warnings', [])]


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_first_run_places_config_and_directories(target, capsys):
    result, _out = run(capsys, args_for(target))
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    assert result['changed'] is True
    assert result['config_changed'] is True
    assert dest.read_text() == config_text(target)
    assert mode_of(dest) == 0o640
    assert mode_of(target / 'data') == 0o750
    assert mode_of(target / 'logs') == 0o750
    assert mode_of(target / 'etc' / 'gofer') == 0o755
    assert os.stat(target / 'data').st_uid == os.getuid()
    assert set(result['created']) == {str(target / 'etc'), str(target / 'etc' / 'gofer'), str(dest),
                                      str(target / 'data'), str(target / 'logs')}
    assert sorted(os.listdir(target / 'etc' / 'gofer')) == ['gofer_web.toml'], 'a temp file was left behind'


def test_second_run_changes_nothing(target, capsys):
    run(capsys, args_for(target))
    result, _out = run(capsys, args_for(target))
    assert result['changed'] is False
    assert result['created'] == [] and result['changed_paths'] == []


def test_check_mode_on_a_fresh_target_reports_and_touches_nothing(target, capsys):
    before = sorted(os.listdir(target))
    result, _out = run(capsys, args_for(target), check=True, diff=True)
    assert result['changed'] is True
    assert str(target / 'data') in result['created']
    assert str(target / 'etc' / 'gofer' / 'gofer_web.toml') in result['created']
    assert sorted(os.listdir(target)) == before
    real, _out = run(capsys, args_for(target))
    assert sorted(real['created']) == sorted(result['created'])


def test_diff_masks_old_and_new_encryption_keys(target, capsys):
    run(capsys, args_for(target, content=config_text(target, key=OLD_KEY), _secrets=[OLD_KEY]))
    result, out = run(capsys, args_for(target), diff=True)
    assert KEY not in out and OLD_KEY not in out
    config_diff = [d for d in result['diff'] if d['after_header'].endswith('gofer_web.toml')][0]
    assert 'encryption_key = "********"' in config_diff['before']
    assert 'encryption_key = "********"' in config_diff['after']
    assert 'storage_path' in config_diff['after']


def test_backup_keeps_the_previous_config(target, capsys):
    run(capsys, args_for(target, content=config_text(target, key=OLD_KEY), _secrets=[OLD_KEY]))
    result, out = run(capsys, args_for(target, backup=True))
    backup = result['backup_file']
    assert OLD_KEY in open(backup).read()
    assert mode_of(backup) == 0o640
    assert OLD_KEY not in backup and KEY not in backup


def test_attribute_drift_is_repaired_without_rewriting(target, capsys):
    run(capsys, args_for(target))
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    os.chmod(dest, 0o644)
    result, _out = run(capsys, args_for(target))
    assert result['changed'] is True and result['config_changed'] is False
    assert result['changed_paths'] == [str(dest)]
    assert mode_of(dest) == 0o640


def test_existing_directories_are_not_reowned(target, capsys):
    os.mkdir(target / 'data', 0o777)
    os.chmod(target / 'data', 0o777)
    result, _out = run(capsys, args_for(target))
    assert mode_of(target / 'data') == 0o777
    assert str(target / 'data') not in result['created']


def test_tls_files_are_placed_with_modes_and_key_is_never_shown(target, capsys):
    tls = [{'path': str(target / 'tls' / 'events.crt'), 'key': 'external_events.tls_cert_path', 'kind': 'cert',
            'content': CERT},
           {'path': str(target / 'tls' / 'events.key'), 'key': 'external_events.tls_key_path', 'kind': 'key',
            'content': PRIVATE}]
    result, out = run(capsys, args_for(target, _tls_files=tls, _secrets=[KEY, PRIVATE]), diff=True)
    assert (target / 'tls' / 'events.key').read_text() == PRIVATE
    assert mode_of(target / 'tls' / 'events.key') == 0o600
    assert mode_of(target / 'tls' / 'events.crt') == 0o644
    assert mode_of(target / 'tls') == 0o750
    assert 'TOPSECRETKEYMATERIAL' not in out
    again, _out = run(capsys, args_for(target, _tls_files=tls, _secrets=[KEY, PRIVATE]))
    assert again['changed'] is False


def test_missing_expected_tls_file_fails_before_any_change(target, capsys):
    expected = [{'path': str(target / 'tls' / 'events.crt'), 'key': 'external_events.tls_cert_path'}]
    result, _out = run(capsys, args_for(target, _tls_expected=expected))
    assert result['failed'] is True
    assert result['msg'].startswith('external_events.tls_cert_path: "%s" does not exist' % expected[0]['path'])
    assert sorted(os.listdir(target)) == []


def test_missing_service_user_fails_but_check_mode_only_warns(target, capsys):
    args = args_for(target, service_user='no-such-gofer-user')
    result, _out = run(capsys, args)
    assert result['failed'] is True
    assert 'service_user "no-such-gofer-user" does not exist' in result['msg']
    assert os.listdir(target) == []
    checked, _out = run(capsys, args, check=True)
    assert 'failed' not in checked
    assert any('no-such-gofer-user' in w for w in warning_texts(checked))


def test_docker_socket_missing_warns(target, capsys):
    result, _out = run(capsys, args_for(target))
    assert result['docker']['socket_exists'] is False
    assert any('does not exist on the target' in w for w in warning_texts(result))


def test_docker_socket_present(target, capsys, monkeypatch):
    path = str(target / 'docker.sock')
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(path)
    try:
        monkeypatch.setattr(server_config, 'DOCKER_SOCKET', path)
        result, _out = run(capsys, args_for(target))
    finally:
        sock.close()
    assert result['docker']['socket_exists'] is True
    assert not any('does not exist on the target' in w for w in warning_texts(result))


def test_content_is_required_on_the_target(target, capsys):
    args = args_for(target)
    del args['content']
    result, _out = run(capsys, args)
    assert result['failed'] is True and 'content is required' in result['msg']


def test_redact_masks_only_the_key_value():
    text = 'path = "/x"\nencryption_key = "%s"\n  "encryption_key"="%s"\n' % (KEY, KEY)
    assert server_config.redact(text) == ('path = "/x"\nencryption_key = "********"\n'
                                          '  "encryption_key"="********"\n')


# -- the encryption-key guard ----------------------------------------------------

def guarded(base, key, **extra):
    content = config_text(base, key=key)
    return args_for(base, content=content, _secrets=[key],
                    _key_guard={'db': str(base / 'data' / 'secrets.db'), 'key': key}, **extra)


def test_key_fingerprint_is_recorded_beside_the_secret_store(target, capsys):
    result, out = run(capsys, guarded(target, KEY))
    fingerprint = target / 'data' / 'secrets.db.key-fingerprint'
    assert str(fingerprint) in result['created']
    assert mode_of(fingerprint) == 0o600
    assert KEY not in fingerprint.read_text() and KEY not in out
    again, _out = run(capsys, guarded(target, KEY))
    assert again['changed'] is False


@pytest.mark.parametrize('check', [False, True])
def test_new_key_is_refused_while_the_secret_store_exists(target, capsys, check):
    run(capsys, guarded(target, OLD_KEY))
    (target / 'data' / 'secrets.db').write_bytes(b'SQLite format 3\x00' + b'\x00' * 100)
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    before = dest.read_bytes()
    result, out = run(capsys, guarded(target, KEY), check=check)
    assert result['failed'] is True
    assert result['msg'].startswith('secret_store.sqlite.encryption_key: differs from the key fingerprint in ')
    assert 'every secret stored in %s (116 bytes) would become unreadable' % (target / 'data' / 'secrets.db') \
        in result['msg']
    assert 'accept_secret_store_data_loss' in result['msg']
    assert dest.read_bytes() == before
    assert KEY not in out and OLD_KEY not in out


def test_new_key_is_accepted_when_the_data_loss_is_accepted(target, capsys):
    run(capsys, guarded(target, OLD_KEY))
    (target / 'data' / 'secrets.db').write_bytes(b'x')
    result, _out = run(capsys, guarded(target, KEY, accept_secret_store_data_loss=True))
    assert result['changed'] is True
    assert any('replaced although it differs' in w for w in warning_texts(result))
    again, _out = run(capsys, guarded(target, KEY))
    assert again['changed'] is False, 'the fingerprint must now record the new key'


def test_without_a_fingerprint_the_key_in_the_placed_config_is_compared(target, capsys):
    run(capsys, guarded(target, OLD_KEY))
    (target / 'data' / 'secrets.db').write_bytes(b'x')
    os.unlink(target / 'data' / 'secrets.db.key-fingerprint')
    result, _out = run(capsys, guarded(target, KEY))
    assert result['failed'] is True
    assert 'differs from the key in the config on the host' in result['msg']


def test_a_secret_store_with_no_record_warns_and_records_the_key(target, capsys):
    os.mkdir(target / 'data')
    (target / 'data' / 'secrets.db').write_bytes(b'x')
    result, _out = run(capsys, guarded(target, KEY))
    assert any('no record of the key' in w for w in warning_texts(result))
    assert (target / 'data' / 'secrets.db.key-fingerprint').exists()


# -- atomicity -------------------------------------------------------------------

def test_a_failed_rename_leaves_the_old_file_and_no_temp_files(target, capsys, monkeypatch):
    run(capsys, args_for(target, content=config_text(target, key=OLD_KEY), _secrets=[OLD_KEY]))
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    before = dest.read_bytes()

    def broken_rename(src, dst):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(server_config.os, 'rename', broken_rename)
    result, _out = run(capsys, args_for(target, _data_dirs=[{'path': str(target / 'new'), 'key': 'x'}]))
    assert result['failed'] is True
    assert 'No space left on device' in result['msg']
    assert 'created %s' % (target / 'new') in result['msg'], 'the report must say what was done'
    assert result['created'] == [str(target / 'new')]
    assert dest.read_bytes() == before
    assert sorted(os.listdir(dest.parent)) == ['gofer_web.toml']


KILLED_RUN = '''
import os, signal, sys, json
from ansible.module_utils.testing import patch_module_args
from ansible_collections.gofer.gofer.plugins.modules import server_config
os.rename = lambda src, dst: os.kill(os.getpid(), signal.SIGKILL)
with patch_module_args(json.loads(sys.argv[1])):
    server_config.main()
'''


def test_a_run_killed_before_the_rename_leaves_the_old_file_and_the_next_run_cleans_up(target, capsys):
    import subprocess
    import sys
    run(capsys, args_for(target, content=config_text(target, key=OLD_KEY), _secrets=[OLD_KEY]))
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    before = dest.read_bytes()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    killed = subprocess.run([sys.executable, '-c', KILLED_RUN, json.dumps(args_for(target))], env=env,
                            capture_output=True, check=False)
    assert killed.returncode == -9, killed.stderr
    assert dest.read_bytes() == before, 'a killed run must leave the old file'
    leftovers = [n for n in os.listdir(dest.parent) if n != 'gofer_web.toml']
    assert len(leftovers) == 1 and leftovers[0].endswith('.tmp')
    result, _out = run(capsys, args_for(target))
    assert result['changed'] is True
    assert sorted(os.listdir(dest.parent)) == ['gofer_web.toml']
    assert dest.read_text() == config_text(target)


def test_an_unreadable_fingerprint_falls_back_to_the_placed_config(target, capsys):
    run(capsys, guarded(target, OLD_KEY))
    (target / 'data' / 'secrets.db').write_bytes(b'x')
    (target / 'data' / 'secrets.db.key-fingerprint').write_text('garbage\n')
    result, _out = run(capsys, guarded(target, KEY))
    assert result['failed'] is True
    assert 'differs from the key in the config on the host' in result['msg']
    os.unlink(target / 'etc' / 'gofer' / 'gofer_web.toml')
    result, _out = run(capsys, guarded(target, KEY))
    assert 'failed' not in result
    assert any('no record of the key' in w for w in warning_texts(result))
    assert (target / 'data' / 'secrets.db.key-fingerprint').read_text().startswith('pbkdf2-sha256$')
