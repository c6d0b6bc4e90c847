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

from ansible_collections.gofer.gofer.tests.unit.plugins.modules.compat import patch_module_args

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


def listing(directory):
    return sorted(os.listdir(directory))


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


def test_diff_hands_the_config_texts_to_the_controller_in_a_private_field(target, capsys):
    # The controller parses both texts and renders them masked (tests/unit/plugins/action); the module only
    # marks the entry and never puts a config text into the diff itself.
    run(capsys, args_for(target, content=config_text(target, key=OLD_KEY), _secrets=[OLD_KEY]))
    result, out = run(capsys, args_for(target), diff=True)
    config_diff = [d for d in result['diff'] if d['after_header'].endswith('gofer_web.toml')][0]
    assert config_diff['_gofer_config'] is True and 'before' not in config_diff and 'after' not in config_diff
    assert result['_gofer_config_texts']['before'] == config_text(target, key=OLD_KEY)
    assert KEY not in out, 'the new key is masked by the module itself'


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


# -- the encryption-key guard ----------------------------------------------------

def guarded(base, key, **extra):
    content = config_text(base, key=key)
    return args_for(base, content=content, _secrets=[key],
                    _key_guard={'db': str(base / 'data' / 'secrets.db'), 'key': key}, **extra)


def record_of(base):
    return base / 'etc' / 'gofer' / '.gofer_web.toml.keyguard'


def with_store(base, key):
    """A placed config with key, its record, and a secret store that exists."""
    run_ok(guarded(base, key))
    (base / 'data' / 'secrets.db').write_bytes(b'SQLite format 3\x00' + b'\x00' * 100)


def run_ok(args, **kwargs):
    import io
    import contextlib
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        with patch_module_args(dict(args, _ansible_check_mode=kwargs.get('check', False), _ansible_diff=False)):
            with pytest.raises(SystemExit):
                server_config.main()
    return json.loads(out.getvalue())


def test_key_record_is_kept_beside_the_config_in_roots_directory(target, capsys):
    result, out = run(capsys, guarded(target, KEY))
    record = record_of(target)
    assert str(record) in result['created']
    assert mode_of(record) == 0o600
    assert KEY not in record.read_text() and KEY not in out
    assert json.loads(record.read_text())['config_sha256']
    assert not (target / 'data' / 'secrets.db.key-fingerprint').exists(), 'nothing in the data directory'
    again, _out = run(capsys, guarded(target, KEY))
    assert again['changed'] is False


@pytest.mark.parametrize('check', [False, True])
def test_new_key_is_refused_while_the_secret_store_exists(target, capsys, check):
    with_store(target, OLD_KEY)
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    before = dest.read_bytes()
    result, out = run(capsys, guarded(target, KEY), check=check)
    assert result['failed'] is True
    assert result['msg'].startswith('secret_store.sqlite.encryption_key: differs from the key recorded in ')
    assert 'every secret stored in %s (116 bytes) would become unreadable' % (target / 'data' / 'secrets.db') \
        in result['msg']
    assert ('Keep the old key, or set accept_secret_store_data_loss (role: gofer_accept_secret_store_data_loss) to '
            'true to replace it and lose those secrets.') in result['msg']
    assert dest.read_bytes() == before
    assert KEY not in out and OLD_KEY not in out


def test_new_key_is_accepted_when_the_data_loss_is_accepted(target, capsys):
    with_store(target, OLD_KEY)
    result, _out = run(capsys, guarded(target, KEY, accept_secret_store_data_loss=True))
    assert result['changed'] is True
    assert any('replaced although it differs' in w for w in warning_texts(result))
    again, _out = run(capsys, guarded(target, KEY))
    assert again['changed'] is False, 'the record must now hold the new key'


def test_without_a_record_the_controller_reads_the_placed_config(target, capsys):
    with_store(target, OLD_KEY)
    os.unlink(record_of(target))
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    before = dest.read_bytes()
    first, _out = run(capsys, guarded(target, KEY))
    assert first['_gofer_old_config'] == before.decode(), 'the placed config goes to the controller to be parsed'
    assert first['changed'] is False and dest.read_bytes() == before
    refused, _out = run(capsys, guarded(target, KEY, _old_key='different'))
    assert refused['failed'] is True
    assert 'differs from the key in the config on the host' in refused['msg']
    accepted, _out = run(capsys, guarded(target, KEY, _old_key='same'))
    assert 'failed' not in accepted and record_of(target).exists()


def test_a_record_that_does_not_match_the_placed_config_is_not_trusted(target, capsys):
    # A run that died after writing the config and before the record leaves them disagreeing: the record is
    # then stale, and the key in the placed config decides.
    with_store(target, OLD_KEY)
    stale = record_of(target).read_text()
    run_ok(guarded(target, KEY, accept_secret_store_data_loss=True))
    record_of(target).write_text(stale)
    os.chmod(record_of(target), 0o600)
    result, _out = run(capsys, guarded(target, KEY))
    assert '_gofer_old_config' in result, 'a stale record must not decide'


@pytest.mark.parametrize('content', [
    '{"version": 2, "kdf": "pbkdf2-sha256", "iterations": 100000000000, "salt": "00", "digest": "00", '
    '"config_sha256": "00", "db": "/x"}',
    '{"version": 2, "iterations": 1e999}',
    '{"version": 2, "salt": "\\u00e9\\u00e9"}',
    'not json at all',
    '[' * 100000,
], ids=['huge-iterations', 'overflowing-number', 'non-ascii', 'garbage', 'deep-nesting'])
def test_a_hostile_record_is_unknown_never_a_crash_or_a_hang(target, capsys, content):
    import time
    with_store(target, OLD_KEY)
    record_of(target).write_text(content)
    started = time.time()
    result, _out = run(capsys, guarded(target, KEY))
    assert time.time() - started < 10
    assert '_gofer_old_config' in result, 'an unreadable record falls back to the placed config'


def test_a_record_with_bytes_that_are_not_utf8_is_unknown(target, capsys):
    with_store(target, OLD_KEY)
    record_of(target).write_bytes(b'\xff\xfe{"version": 2}\x00')
    result, _out = run(capsys, guarded(target, KEY))
    assert '_gofer_old_config' in result


def test_a_record_others_could_write_is_not_trusted(target, capsys):
    with_store(target, OLD_KEY)
    os.chmod(record_of(target), 0o666)
    result, _out = run(capsys, guarded(target, KEY))
    assert '_gofer_old_config' in result


def test_a_store_path_through_a_link_and_dotdot_reaches_the_same_database(target, capsys):
    with_store(target, OLD_KEY)
    os.symlink(target / 'data', target / 'alias')
    args = guarded(target, KEY)
    args['_key_guard'] = {'db': str(target / 'alias' / '..' / 'alias' / 'secrets.db'), 'key': KEY}
    result, _out = run(capsys, args)
    assert result['failed'] is True and 'differs from the key recorded in' in result['msg']


def test_a_secret_store_with_no_record_and_no_config_warns_and_records_the_key(target, capsys):
    os.mkdir(target / 'data')
    (target / 'data' / 'secrets.db').write_bytes(b'x')
    result, _out = run(capsys, guarded(target, KEY))
    assert any('no record of the key' in w for w in warning_texts(result))
    assert record_of(target).exists()


# -- paths an attacker on the target controls ----------------------------------------

def test_a_symlinked_dest_is_refused_and_not_followed(target, capsys):
    secret = target / 'shadow'
    secret.write_text('root:SECRETHASH:19000:0:99999:7:::\n')
    os.chmod(secret, 0o640)
    (target / 'etc' / 'gofer').mkdir(parents=True)
    os.symlink(secret, target / 'etc' / 'gofer' / 'gofer_web.toml')
    result, out = run(capsys, args_for(target), diff=True)
    assert result['failed'] is True and 'is a symbolic link' in result['msg']
    assert 'SECRETHASH' not in out
    assert secret.read_text().startswith('root:SECRETHASH') and mode_of(secret) == 0o640


def test_a_symlinked_tls_key_is_refused_and_not_followed(target, capsys):
    outside = target / 'elsewhere.key'
    outside.write_text('old')
    os.chmod(outside, 0o644)
    (target / 'tls').mkdir()
    os.symlink(outside, target / 'tls' / 'events.key')
    args = args_for(target, _tls_files=[{'path': str(target / 'tls' / 'events.key'), 'kind': 'key',
                                         'key': 'external_events.tls_key_path', 'content': PRIVATE}])
    result, _out = run(capsys, args)
    assert result['failed'] is True and 'is a symbolic link' in result['msg']
    assert outside.read_text() == 'old' and mode_of(outside) == 0o644


def test_a_sqlite_path_that_is_a_directory_fails_before_any_change(target, capsys):
    (target / 'data' / 'secrets.db').mkdir(parents=True)
    args = args_for(target, _sqlite_files=[{'path': str(target / 'data' / 'secrets.db'),
                                            'key': 'secret_store.sqlite.path'}])
    result, _out = run(capsys, args)
    assert result['failed'] is True
    assert result['msg'].startswith('secret_store.sqlite.path: "%s" is a directory' % (target / 'data' / 'secrets.db'))
    assert not (target / 'etc').exists()


def test_a_backup_is_never_more_readable_than_the_new_file(target, capsys):
    first = run_ok(args_for(target, content=config_text(target, key=OLD_KEY), _secrets=[OLD_KEY], mode='0644'))
    assert 'failed' not in first
    result, _out = run(capsys, args_for(target, backup=True))
    assert mode_of(result['backup_file']) == 0o640 & 0o644


def test_stale_temporary_files_are_swept_on_every_run_and_only_ours(target, capsys):
    run_ok(args_for(target))
    gofer = target / 'etc' / 'gofer'
    ours = gofer / '.gofer_web.toml.abcd1234.tmp'
    ours.write_text('left by a killed run')
    foreign = gofer / '.gofer_web.toml.notours.tmp'
    foreign.write_text('someone else')
    os.symlink('/etc/passwd', gofer / '.gofer_web.toml.zzzz9999.tmp')
    result, _out = run(capsys, args_for(target))
    assert result['changed'] is False, 'nothing of the config changed'
    assert not ours.exists()
    assert foreign.exists() and os.path.islink(gofer / '.gofer_web.toml.zzzz9999.tmp')


def test_a_second_run_waits_for_the_lock_and_gives_up_with_a_message(target, capsys, monkeypatch):
    import fcntl
    run_ok(args_for(target))
    lock = os.open(target / 'etc' / 'gofer', os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    monkeypatch.setattr(server_config, 'LOCK_TIMEOUT', 0.5)
    try:
        result, _out = run(capsys, args_for(target, content=config_text(target, key=OLD_KEY)))
    finally:
        os.close(lock)
    assert result['failed'] is True and 'Another run of gofer.gofer.server_config has held the lock' in result['msg']
    assert listing(target / 'etc' / 'gofer') == ['gofer_web.toml'], 'taking the lock creates nothing'
    assert config_text(target) == (target / 'etc' / 'gofer' / 'gofer_web.toml').read_text()


def test_a_failure_reports_the_parents_it_created(target, capsys):
    (target / 'srv').mkdir()
    (target / 'srv' / 'new').mkdir()
    blocker = target / 'srv' / 'new' / 'data'
    blocker.write_text('a file where a directory belongs')
    args = args_for(target, _data_dirs=[{'path': str(target / 'srv' / 'made' / 'deep'), 'key': 'a'},
                                        {'path': str(blocker / 'x'), 'key': 'server.storage_path'}])
    result, _out = run(capsys, args)
    assert result['failed'] is True
    assert result['changed'] is True
    assert str(target / 'srv' / 'made') in result['created']


def test_a_dest_that_could_not_be_written_is_not_reported_as_created(target, capsys, monkeypatch):
    def refused(self, b_path, data, file_args):
        raise PermissionError(13, 'Permission denied')

    monkeypatch.setattr(server_config.Placer, 'write_atomically', refused)
    result, _out = run(capsys, args_for(target))
    dest = str(target / 'etc' / 'gofer' / 'gofer_web.toml')
    assert result['failed'] is True and 'Permission denied' in result['msg']
    assert dest not in result['created'] and dest not in result['changed_paths']
    assert str(target / 'data') in result['created'], 'what was done before the failure is reported'


def test_certificate_bytes_outside_the_pem_block_are_placed_exactly(target, capsys):
    raw = ('subject=CN=t\u00e9st \u2603\n' + CERT).encode('utf-8') + b'\xff\xfe trailing\n'
    args = args_for(target, _tls_files=[{'path': str(target / 'tls' / 'events.crt'), 'kind': 'cert',
                                         'key': 'external_events.tls_cert_path', 'content': raw.decode('latin-1')}])
    result, _out = run(capsys, args)
    assert 'failed' not in result
    assert (target / 'tls' / 'events.crt').read_bytes() == raw


def test_check_mode_diff_shows_a_shared_directory_once_with_its_mode(target, capsys):
    args = args_for(target, _data_dirs=[{'path': str(target / 'srv' / 'gofer'), 'key': 'server.storage_path'},
                                        {'path': str(target / 'srv' / 'gofer' / 'logs'), 'key': 'logs'}])
    result, _out = run(capsys, args, check=True, diff=True)
    shown = [d['after'] for d in result['diff'] if isinstance(d.get('after'), dict)
             and d['after'].get('path') == str(target / 'srv' / 'gofer')]
    assert len(shown) == 1 and shown[0]['mode'] == '0750' and shown[0]['owner'] == USER


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
    assert listing(dest.parent) == ['gofer_web.toml']


KILLED_RUN = '''
import os, signal, sys, json
from ansible_collections.gofer.gofer.tests.unit.plugins.modules.compat import patch_module_args
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
    leftovers = [n for n in listing(dest.parent) if n != 'gofer_web.toml']
    assert len(leftovers) == 1 and leftovers[0].endswith('.tmp')
    result, _out = run(capsys, args_for(target))
    assert result['changed'] is True
    assert listing(dest.parent) == ['gofer_web.toml']
    assert dest.read_text() == config_text(target)


# -- the release recorded beside the config, and the main database across schema rewrites (#12) ---------------------

def versioned(base, version, **extra):
    args = guarded(base, KEY, gofer_version=version, _database=str(base / 'data' / 'gofer.db'))
    args.update(extra)
    return args


def with_database(base, version):
    run_ok(versioned(base, version))
    (base / 'data' / 'gofer.db').write_bytes(b'SQLite format 3\x00main')
    (base / 'data' / 'gofer.db-wal').write_bytes(b'wal')


def test_the_release_is_recorded_and_reported_as_previous(target, capsys):
    first, _out = run(capsys, versioned(target, '0.7.3'))
    assert first['previous_version'] is None
    assert json.loads(record_of(target).read_text())['gofer_version'] == '0.7.3'
    again, _out = run(capsys, versioned(target, '0.7.3'))
    assert again['changed'] is False and again['previous_version'] == '0.7.3'
    assert '_gofer_config_texts' not in again


def test_a_record_from_before_the_release_field_is_still_trusted_and_completed(target, capsys):
    run_ok(versioned(target, '0.7.3'))
    record = json.loads(record_of(target).read_text())
    del record['gofer_version']
    record_of(target).write_text(json.dumps(record))
    result, _out = run(capsys, versioned(target, '0.7.3'))
    assert result['previous_version'] is None
    assert str(record_of(target)) in result['changed_paths'], 'the record gains the release'
    assert json.loads(record_of(target).read_text())['gofer_version'] == '0.7.3'


@pytest.mark.parametrize('check', [False, True])
@pytest.mark.parametrize('old,new', [('0.7.2', '0.7.3'), ('0.7.3', '0.9.1'), ('0.9.1', '0.8.4'), ('0.8.0', '0.8.1')])
def test_a_release_change_across_a_database_rewrite_is_refused(target, capsys, check, old, new):
    with_database(target, old)
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    before = {p: p.read_bytes() for p in (dest, record_of(target), target / 'data' / 'gofer.db')}
    args = versioned(target, new, content=config_text(target) + '# for %s\n' % new)
    result, _out = run(capsys, args, check=check)
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('server.storage_path: the database %s was written by Gofer %s, and '
                                    % (target / 'data' / 'gofer.db', old))
    assert 'Gofer %s panics at start-up on it ("VersionMismatch")' % new in result['msg']
    assert ('Keep gofer_version at %s, or set accept_database_reset (role: gofer_accept_database_reset) to true: '
            % old) in result['msg']
    assert result['msg'].endswith('Nothing was changed.')
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize('old,new', [('0.7.0', '0.7.2'), ('0.8.1', '0.8.4'), ('0.9.0', '0.9.1'), ('0.9.1', 'latest')])
def test_a_release_change_without_a_rewrite_goes_ahead(target, capsys, old, new):
    with_database(target, old)
    result, _out = run(capsys, versioned(target, new))
    assert 'failed' not in result and result['previous_version'] == old
    assert (target / 'data' / 'gofer.db').exists()
    assert json.loads(record_of(target).read_text())['gofer_version'] == new


def test_no_database_no_refusal(target, capsys):
    run_ok(versioned(target, '0.7.3'))
    result, _out = run(capsys, versioned(target, '0.9.1'))
    assert 'failed' not in result and 'database_reset' not in result


@pytest.mark.parametrize('check', [False, True])
def test_an_accepted_reset_moves_the_database_aside_and_keeps_the_secret_store(target, capsys, check):
    with_database(target, '0.7.3')
    (target / 'data' / 'secrets.db').write_bytes(b'SQLite format 3\x00secrets')
    args = versioned(target, '0.9.1', accept_database_reset=True, content=config_text(target) + '# v0.9\n')
    result, _out = run(capsys, args, check=check)
    assert 'failed' not in result and result['changed'] is True
    reset = result['database_reset']
    db = str(target / 'data' / 'gofer.db')
    assert reset['database'] == db and reset['crossed'] == ['v0.8.0', 'v0.8.1', 'v0.9.0']
    assert reset['moved_to'].startswith(db + '.before-0.9.1.')
    assert db in result['changed_paths'] and reset['moved_to'] in result['created']
    assert 'Reset as accepted: moved to %s' % reset['moved_to'] in ' '.join(warning_texts(result))
    assert (target / 'data' / 'secrets.db').read_bytes() == b'SQLite format 3\x00secrets'
    if check:
        assert (target / 'data' / 'gofer.db').exists() and not os.path.exists(reset['moved_to'])
        return
    assert not (target / 'data' / 'gofer.db').exists() and not (target / 'data' / 'gofer.db-wal').exists()
    assert open(reset['moved_to'], 'rb').read() == b'SQLite format 3\x00main'
    assert open(reset['moved_to'] + '-wal', 'rb').read() == b'wal'
    again, _out = run(capsys, dict(args, accept_database_reset=False))
    assert again['changed'] is False and again['previous_version'] == '0.9.1'


def test_the_old_config_goes_to_the_controller_only_when_the_release_changes(target, capsys):
    run_ok(versioned(target, '0.7.3'))
    changed_content = config_text(target) + '# edited\n'
    same, out = run(capsys, versioned(target, '0.7.3', content=changed_content))
    assert '_gofer_config_texts' not in same
    moved, out = run(capsys, versioned(target, '0.8.4', content=config_text(target) + '# for 0.8.4\n'))
    assert moved['_gofer_config_texts']['before'] == changed_content.replace(KEY, '********')
    assert KEY not in out


def test_a_reset_killed_before_the_database_moved_leaves_no_old_journal_beside_it(target, capsys, monkeypatch):
    with_database(target, '0.7.3')
    real_link = os.link

    def killed_at_the_database(src, dst, **kwargs):
        if src == 'gofer.db':  # the move links each name beside it, inside the directory it opened
            raise KeyboardInterrupt('killed')
        return real_link(src, dst, **kwargs)
    monkeypatch.setattr(server_config.os, 'link', killed_at_the_database)
    with pytest.raises(KeyboardInterrupt):
        run(capsys, versioned(target, '0.9.1', accept_database_reset=True, content=config_text(target) + '# v0.9\n'))
    assert not (target / 'data' / 'gofer.db-wal').exists(), 'the journal moved first'
    assert (target / 'data' / 'gofer.db').exists(), 'the database is still there, so the next run refuses again'
    assert json.loads(record_of(target).read_text())['gofer_version'] == '0.7.3'


@pytest.mark.parametrize('planted', ['-shm', ''])
def test_a_reset_never_moves_over_a_planted_name_and_moves_nothing(target, capsys, monkeypatch, planted):
    # The service account owns the data directory: it may plant a directory (or a link) at a name the reset uses.
    with_database(target, '0.7.3')
    (target / 'data' / 'gofer.db-shm').write_bytes(b'shm')
    monkeypatch.setattr(server_config.time, 'gmtime', lambda *a: (2026, 12, 3, 12, 0, 0, 3, 337, 0))
    db = str(target / 'data' / 'gofer.db')
    os.mkdir(db + '.before-0.9.1.20261203T120000Z' + planted)
    args = versioned(target, '0.9.1', accept_database_reset=True, content=config_text(target) + '# v0.9\n')
    result, _out = run(capsys, args)
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == ('server.storage_path: the reset of %s failed: %s.before-0.9.1.20261203T120000Z%s exists '
                             'already; nothing was moved (the database and its journal files move together). Remove '
                             'it, or run again. Nothing was changed.' % (db, db, planted))
    # All or nothing: the database and its journal files stay together, where Gofer finds them.
    assert open(db, 'rb').read() == b'SQLite format 3\x00main'
    assert (target / 'data' / 'gofer.db-wal').read_bytes() == b'wal'
    assert (target / 'data' / 'gofer.db-shm').read_bytes() == b'shm'
    assert json.loads(record_of(target).read_text())['gofer_version'] == '0.7.3'


# -- a placed config the module cannot use as it is ----------------------------------------

def test_a_named_pipe_at_dest_is_refused_before_any_change_and_never_opened(target, capsys):
    (target / 'etc' / 'gofer').mkdir(parents=True)
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    os.mkfifo(dest)  # no writer: a blocking open or read would hang here
    result, _out = run(capsys, args_for(target))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == ('%s is a named pipe (FIFO), not a regular file; a file is placed only where none is or a '
                             'regular file is. Remove it. Nothing was changed.' % dest)
    assert listing(target) == ['etc'], 'no data directory was created'


OVERSIZED = '# padding\n' * 104858  # with a config after it, just over 1 MiB


@pytest.mark.parametrize('placed,problem', [
    (OVERSIZED, 'is %d bytes, more than the 1048576 bytes (1 MiB) read of a config'),
    ('[api]\nlog_level = "caf\xe9"\n', 'is not UTF-8 text (byte 22)'),
])
def test_an_old_config_over_1_mib_or_not_utf8_is_named_not_cut_in_the_migration_report(
        target, capsys, placed, problem):
    run_ok(versioned(target, '0.7.3'))
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    dest.write_bytes(placed.encode('latin-1') + config_text(target).encode())
    problem = problem.replace('%d', str(os.path.getsize(dest)))
    result, _out = run(capsys, versioned(target, '0.8.4'))
    assert 'failed' not in result and result['config_changed'] is True
    assert '_gofer_config_texts' not in result, 'a cut text would report the settings after the cut as left out'
    assert any(w.startswith('dest: the config on the host %s %s' % (dest, problem))
               and w.endswith('what changes for Gofer between the releases is not reported from it.')
               for w in warning_texts(result))


def test_an_old_config_over_1_mib_is_not_cut_for_the_key_guard(target, capsys):
    with_store(target, OLD_KEY)
    os.unlink(record_of(target))
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    dest.write_bytes(OVERSIZED.encode() + config_text(target, key=OLD_KEY).encode())
    size = os.path.getsize(dest)
    result, _out = run(capsys, guarded(target, KEY))
    assert '_gofer_old_config' not in result, 'a cut config would hide the key after the cut'
    assert any('there is no record of the key it was written with, and the config on the host %s is %d bytes, more '
               'than the 1048576 bytes (1 MiB) read of a config' % (dest, size) in w
               for w in warning_texts(result))


# -- the rollback's snapshot, taken before a config for another release (#20) ----------------------------------------

def with_sqlite_database(base, version):
    """A placed config for version and a real main database (sqlite, WAL) with one row."""
    import sqlite3
    run_ok(versioned(base, version))
    conn = sqlite3.connect(str(base / 'data' / 'gofer.db'))
    conn.execute('PRAGMA journal_mode=WAL')
    conn.execute('CREATE TABLE runs (note TEXT)')
    conn.execute("INSERT INTO runs VALUES ('served by %s')" % version)
    conn.commit()
    conn.close()


def snapshotted(base, version, **extra):
    args = dict(snapshot_dir=str(base / 'backups' / 'gofer'), snapshot_keep=2,
                content=config_text(base) + '# for %s\n' % version)
    args.update(extra)
    return versioned(base, version, **args)


@pytest.mark.skipif(os.geteuid() != 0, reason='snapshots are root-only: run as root')
def test_a_change_of_release_takes_a_snapshot_before_the_reset_moves_anything(target, capsys):
    with_sqlite_database(target, '0.7.3')
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    before = dest.read_bytes()
    result, _out = run(capsys, snapshotted(target, '0.9.1', accept_database_reset=True))
    assert 'failed' not in result, result
    snap = result['snapshot']
    assert snap['from_version'] == '0.7.3' and snap['to_version'] == '0.9.1' and snap['removed'] == []
    assert os.path.basename(snap['path']).endswith('-0.7.3-to-0.9.1')
    assert snap['path'] in result['created']
    assert open(os.path.join(snap['path'], 'config'), 'rb').read() == before
    manifest = json.loads(open(os.path.join(snap['path'], 'manifest.json')).read())
    # The reset ran after the snapshot and is recorded in it, for the restore to move the database back.
    assert manifest['database']['moved_to'] == result['database_reset']['moved_to']
    import sqlite3
    conn = sqlite3.connect(os.path.join(snap['path'], 'database'))
    assert conn.execute('SELECT note FROM runs').fetchall() == [('served by 0.7.3',)]
    conn.close()
    # The same release again: nothing to snapshot.
    again, _out = run(capsys, snapshotted(target, '0.9.1'))
    assert 'snapshot' not in again and again['changed'] is False


@pytest.mark.skipif(os.geteuid() != 0, reason='snapshots are root-only: run as root')
def test_check_mode_reports_the_snapshot_and_takes_none(target, capsys):
    with_sqlite_database(target, '0.7.2')
    result, _out = run(capsys, snapshotted(target, '0.7.3', accept_database_reset=True), check=True)
    assert result['snapshot']['path'] is None and result['snapshot']['from_version'] == '0.7.2'
    assert result['snapshot']['database'] == str(target / 'data' / 'gofer.db')
    assert not (target / 'backups').exists()


@pytest.mark.skipif(os.geteuid() != 0, reason='snapshots are root-only: run as root')
def test_a_snapshot_that_cannot_be_taken_fails_with_nothing_changed(target, capsys):
    with_sqlite_database(target, '0.7.2')
    dest = target / 'etc' / 'gofer' / 'gofer_web.toml'
    before = {p: p.read_bytes() for p in (dest, record_of(target), target / 'data' / 'gofer.db')}
    (target / 'backups').mkdir()
    nobody = pwd.getpwnam('nobody')
    os.chown(str(target / 'backups'), nobody.pw_uid, nobody.pw_gid)
    result, _out = run(capsys, snapshotted(target, '0.7.3', accept_database_reset=True))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('snapshot_dir: the snapshot a rollback to Gofer 0.7.2 would restore could not be '
                                    'taken in %s: %s is owned by uid %d' % (target / 'backups' / 'gofer',
                                                                            target / 'backups', nobody.pw_uid))
    assert 'Set snapshot_keep (role: gofer_snapshot_keep) to 0' in result['msg']
    assert result['msg'].endswith('Nothing was changed.')
    assert {p: p.read_bytes() for p in before} == before
    assert os.listdir(str(target / 'backups')) == []


def test_snapshot_keep_zero_takes_none(target, capsys):
    with_database(target, '0.7.0')
    result, _out = run(capsys, snapshotted(target, '0.7.2', snapshot_keep=0))
    assert 'failed' not in result and 'snapshot' not in result
    assert not (target / 'backups').exists()


@pytest.mark.skipif(os.geteuid() != 0, reason='snapshots are root-only: run as root')
def test_after_a_killed_reset_the_next_snapshot_copies_the_moved_database(target, capsys, monkeypatch):
    # The reset moved the database aside, then the run died before the record named the new release: the next run
    # finds no database at its path, and its snapshot copies the moved one, for the rollback to move it back.
    with_sqlite_database(target, '0.7.2')
    db = target / 'data' / 'gofer.db'
    moved = str(db) + '.before-0.7.3.20261204T000000Z'
    os.rename(str(db), moved)
    result, _out = run(capsys, snapshotted(target, '0.7.3', accept_database_reset=True))
    assert 'failed' not in result, result
    manifest = json.loads(open(os.path.join(result['snapshot']['path'], 'manifest.json')).read())
    assert manifest['database']['path'] == str(db) and manifest['database']['moved_to'] == moved
    import sqlite3
    conn = sqlite3.connect(os.path.join(result['snapshot']['path'], 'database'))
    assert conn.execute('SELECT note FROM runs').fetchall() == [('served by 0.7.2',)]
    conn.close()
