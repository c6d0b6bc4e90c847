# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import http.server
import json
import os
import re
import signal
import stat
import threading

import pytest

from ansible_collections.gofer.gofer.plugins.modules import server_token
from ansible_collections.gofer.gofer.tests.unit.plugins.modules.compat import patch_module_args

SECRET = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6'
SECOND = 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp'
OPERATOR = 'OperatorHeld0123456789abcdefABCD'


class FakeGofer(object):
    """Gofer's bootstrap and whoami routes on 127.0.0.1, port 0, counting every request."""

    def __init__(self):
        self.claimed = False
        self.valid = set()
        self.secrets = [SECRET, SECOND]
        self.bootstrap_body = None
        self.requests = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body):
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                fake.requests.append(('POST', self.path, dict((k.lower(), v) for k, v in self.headers.items())))
                length = int(self.headers.get('Content-Length') or 0)
                self.rfile.read(length)
                if self.path != '/api/tokens/bootstrap':
                    return self.answer(404, {'message': 'not found'})
                if self.headers.get('gofer-api-version') != 'v0':
                    return self.answer(400, {'message': 'missing gofer-api-version'})
                if fake.bootstrap_body is not None:
                    return self.answer(201, fake.bootstrap_body)
                if fake.claimed:
                    return self.answer(409, {'message': 'Bootstrap token already exists'})
                fake.claimed = True
                secret = fake.secrets.pop(0)
                fake.valid.add(secret)
                return self.answer(201, {'token_details': {'id': 'x', 'namespaces': ['.*']}, 'secret': secret})

            def do_GET(self):
                fake.requests.append(('GET', self.path, dict((k.lower(), v) for k, v in self.headers.items())))
                if self.path != '/api/tokens/whoami':
                    return self.answer(404, {'message': 'not found'})
                if self.headers.get('gofer-api-version') != 'v0':
                    return self.answer(400, {'message': 'missing gofer-api-version'})
                token = (self.headers.get('Authorization') or '').replace('Bearer ', '', 1)
                if token in fake.valid:
                    return self.answer(200, {'token_details': {'id': 'x'}})
                return self.answer(401, {'message': 'Unauthorized'})

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def posts(self):
        return [r for r in self.requests if r[0] == 'POST']

    def revoke_all(self):
        """Gofer v0.7 once every management token is deleted: the endpoint is open again."""
        self.valid.clear()
        self.claimed = False

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gofer():
    fake = FakeGofer()
    yield fake
    fake.close()


@pytest.fixture
def target(tmp_path):
    """etc/ is root's directory for the token (0755, ours), data/ holds the database."""
    etc = tmp_path / 'etc'
    data = tmp_path / 'data'
    etc.mkdir(mode=0o755)
    data.mkdir(mode=0o755)
    os.chmod(etc, 0o755)
    return tmp_path


def paths(base):
    return base / 'etc' / 'bootstrap.token', base / 'data' / 'gofer.db', base / 'etc' / 'gofer-bootstrap.env'


def new_database(base, content=b'SQLite format 3\x00'):
    db = paths(base)[1]
    db.write_bytes(content)
    return db


def args_for(base, gofer=None, **extra):
    token, db, _marker = paths(base)
    args = {'path': str(token), 'database': str(db)}
    if gofer is not None:
        args.update(bootstrap='unless_held', url=gofer.url, timeout=5)
    args.update(extra)
    return args


def run(capsys, args, check=False):
    args = dict(args, _ansible_check_mode=check)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            server_token.main()
    return json.loads(capsys.readouterr().out)


def mode_of(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


def backups(base):
    return sorted(n for n in os.listdir(str(base / 'etc')) if n.startswith('bootstrap.token.before-'))


def saved_token(path):
    return [line[len('GOFER_TOKEN='):] for line in path.read_text().splitlines() if line.startswith('GOFER_TOKEN=')]


# The claim and what later runs see


def test_claim_on_a_fresh_database_saves_the_token_root_only_bound_to_the_database(target, gofer, capsys):
    token, db, _marker = paths(target)
    new_database(target)
    result = run(capsys, args_for(target, gofer))
    assert result['state'] == 'claimed' and result['changed'] is True
    assert result['token'] == SECRET
    assert mode_of(token) == 0o600 and os.stat(str(token)).st_uid == os.geteuid()
    st = os.stat(str(db))
    text = token.read_text()
    assert 'GOFER_TOKEN=%s\n' % SECRET in text
    binding = '# database=%s device=%d inode=%d' % (db, st.st_dev, st.st_ino)
    generation = server_token.identity(str(db))[2]
    assert binding + ('' if generation is None else ' generation=%d' % generation) + '\n' in text
    assert sorted(os.listdir(str(target / 'etc'))) == ['bootstrap.token'], 'no temporary file is left behind'
    assert len(gofer.posts()) == 1
    assert gofer.posts()[0][2].get('gofer-api-version') == 'v0'


def test_a_second_run_holds_the_token_and_makes_no_request(target, gofer, capsys):
    new_database(target)
    run(capsys, args_for(target, gofer))
    before = paths(target)[0].read_text()
    result = run(capsys, args_for(target, gofer))
    assert result['state'] == 'held' and result['changed'] is False and result['token'] == SECRET
    assert len(gofer.requests) == 1, 'the held token needs no request'
    assert paths(target)[0].read_text() == before


def test_a_replaced_database_is_not_held_and_is_claimed_again_keeping_the_old_file(target, gofer, capsys):
    token, db, _marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    # A new file at the same path (kept open aside so its inode cannot be reused): a new Gofer database.
    os.rename(str(db), str(db) + '.old')
    new_database(target)
    gofer.claimed = False
    result = run(capsys, args_for(target, gofer))
    assert result['state'] == 'claimed' and result['changed'] is True and result['token'] == SECOND
    assert saved_token(token) == [SECOND]
    assert re.search(r' inode=%d( generation=[0-9]+)?\n' % os.stat(str(db)).st_ino, token.read_text())
    kept = backups(target)
    assert len(kept) == 1 and saved_token(target / 'etc' / kept[0]) == [SECRET]
    assert mode_of(target / 'etc' / kept[0]) == 0o600


def test_a_database_removed_and_created_again_on_the_same_inode_is_not_held(target, gofer, capsys):
    token, db, _marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    old = os.stat(str(db)).st_ino
    db.unlink()
    new_database(target)
    if os.stat(str(db)).st_ino != old or server_token.identity(str(db))[2] is None:
        pytest.skip('this filesystem did not reuse the inode, or has no inode generation')
    gofer.claimed = False
    result = run(capsys, args_for(target, gofer))
    assert result['state'] == 'claimed' and result['token'] == SECOND
    assert saved_token(token) == [SECOND]


def test_the_same_inode_with_another_generation_is_not_held(target, gofer, capsys):
    token, db, _marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    if server_token.identity(str(db))[2] is None:
        pytest.skip('this filesystem has no inode generation')
    # What a removed database's inode number, reused by the new one, looks like: same device and inode.
    token.write_text(re.sub(r' generation=([0-9]+)', lambda m: ' generation=%d' % (int(m.group(1)) ^ 1),
                            token.read_text()))
    gofer.claimed = False
    result = run(capsys, args_for(target, gofer))
    assert result['state'] == 'claimed' and result['token'] == SECOND


def test_a_token_file_saved_without_a_generation_is_still_held(target, gofer, capsys):
    token, _db, _marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    token.write_text(re.sub(r' generation=[0-9]+', '', token.read_text()))
    result = run(capsys, args_for(target, gofer))
    assert result['state'] == 'held' and result['changed'] is False and len(gofer.requests) == 1


def test_409_with_no_token_held_is_claimed_elsewhere_and_writes_nothing(target, gofer, capsys):
    new_database(target)
    gofer.claimed = True
    result = run(capsys, args_for(target, gofer))
    assert result['state'] == 'claimed_elsewhere' and result['changed'] is False
    assert 'token' not in result
    assert os.listdir(str(target / 'etc')) == []


def test_never_reads_only(target, gofer, capsys):
    new_database(target)
    result = run(capsys, args_for(target))
    assert result['state'] == 'none' and result['changed'] is False and result['database_exists'] is True
    assert gofer.requests == []


# verify (v0.7: deleting every management token opens the endpoint again)


def test_verify_keeps_a_token_gofer_still_knows_without_a_bootstrap_request(target, gofer, capsys):
    new_database(target)
    run(capsys, args_for(target, gofer))
    result = run(capsys, args_for(target, gofer, bootstrap='verify'))
    assert result['state'] == 'held' and result['changed'] is False and result['revoked'] is False
    assert result['token'] == SECRET
    assert [r[:2] for r in gofer.requests[1:]] == [('GET', '/api/tokens/whoami')]
    assert gofer.requests[1][2].get('authorization') == 'Bearer ' + SECRET
    assert gofer.requests[1][2].get('gofer-api-version') == 'v0'


def test_verify_claims_again_when_gofer_no_longer_knows_the_token(target, gofer, capsys):
    token, _db, _marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    gofer.revoke_all()
    result = run(capsys, args_for(target, gofer, bootstrap='verify'))
    assert result['state'] == 'claimed' and result['changed'] is True and result['revoked'] is True
    assert result['token'] == SECOND
    assert [r[:2] for r in gofer.requests[1:]] == [('GET', '/api/tokens/whoami'), ('POST', '/api/tokens/bootstrap')]
    assert saved_token(token) == [SECOND]
    assert len(backups(target)) == 1


# A hostile target side


def test_a_token_path_that_is_a_symlink_is_refused_and_never_followed(target, gofer, capsys):
    token, _db, _marker = paths(target)
    new_database(target)
    elsewhere = target / 'data' / 'planted'
    elsewhere.write_text('GOFER_TOKEN=planted\n')
    os.chmod(str(elsewhere), 0o600)
    os.symlink(str(elsewhere), str(token))
    result = run(capsys, args_for(target, gofer))
    assert result['failed'] is True
    assert result['msg'].startswith('path: %s cannot be opened' % token)
    assert 'not a link' in result['msg']
    assert 'planted' not in json.dumps(result), 'the link target is not read'
    assert elsewhere.read_text() == 'GOFER_TOKEN=planted\n', 'nor written'
    assert os.path.islink(str(token)) and gofer.requests == []


def test_a_token_file_others_can_read_is_refused(target, gofer, capsys):
    token, _db, _marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    os.chmod(str(token), 0o644)
    result = run(capsys, args_for(target, gofer))
    assert result['failed'] is True
    assert 'path: %s is not a regular file' % token in result['msg']
    assert 'found mode 0644' in result['msg']
    assert SECRET not in json.dumps(result)
    assert len(gofer.requests) == 1


def test_a_fifo_at_the_token_path_is_refused_without_blocking(target, gofer, capsys):
    token, _db, _marker = paths(target)
    new_database(target)
    os.mkfifo(str(token), 0o600)

    def blocked(*_args):
        raise AssertionError('the module blocked on the FIFO')

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(5)
    try:
        result = run(capsys, args_for(target, gofer))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result['failed'] is True
    assert 'path: %s is not a regular file' % token in result['msg']
    assert gofer.requests == []


def test_a_token_directory_others_can_write_is_refused_on_save(target, gofer, capsys):
    token, _db, _marker = paths(target)
    new_database(target)
    os.chmod(str(target / 'etc'), 0o775)
    result = run(capsys, args_for(target, gofer))
    assert result['failed'] is True
    assert result['msg'].startswith('path: the directory %s of the token file is writable by another user'
                                    % (target / 'etc'))
    assert 'mode 0775' in result['msg']
    assert not token.exists()


def database_files(base):
    return sorted(n for n in os.listdir(str(base / 'data')))


def test_reset_database_moves_every_file_aside_and_keeps_them(target, capsys):
    _token, db, _marker = paths(target)
    new_database(target)
    for suffix in ('-wal', '-shm'):
        (target / 'data' / ('gofer.db' + suffix)).write_text(suffix)
    result = run(capsys, args_for(target, reset_database=True))
    assert result['changed'] is True and result['database_exists'] is False and result['state'] == 'none'
    # The journal files first: a kill in between never leaves the old journal beside a new database.
    assert [m['from'] for m in result['moved']] == [str(db) + '-wal', str(db) + '-shm', str(db)]
    stamp = result['moved'][-1]['to'][len(str(db)) + len('.unclaimed-'):]
    assert database_files(target) == ['gofer.db.unclaimed-%s%s' % (stamp, s) for s in ('', '-shm', '-wal')]
    assert (target / 'data' / ('gofer.db.unclaimed-%s-wal' % stamp)).read_text() == '-wal'


@pytest.mark.parametrize('planted', ['', '-wal'])
def test_reset_database_never_overwrites_a_planted_name_and_moves_nothing(target, capsys, monkeypatch, planted):
    _token, db, _marker = paths(target)
    new_database(target)
    (target / 'data' / 'gofer.db-wal').write_text('wal')
    monkeypatch.setattr(server_token.time, 'gmtime', lambda *a: (2026, 12, 2, 15, 0, 0, 2, 336, 0))
    victim = target / 'victim'
    victim.write_text('not Gofer\'s')
    os.symlink(str(victim), str(db) + '.unclaimed-20261202T150000Z' + planted)
    result = run(capsys, args_for(target, reset_database=True))
    assert result['failed'] is True
    assert ('%s.unclaimed-20261202T150000Z%s exists already' % (db, planted)) in result['msg']
    assert result['moved'] == []
    assert victim.read_text() == 'not Gofer\'s'
    # All or nothing: the database and its -wal stay together, where Gofer finds them.
    assert db.read_bytes().startswith(b'SQLite') and (target / 'data' / 'gofer.db-wal').read_text() == 'wal'
    assert os.path.islink(str(db) + '.unclaimed-20261202T150000Z' + planted)


def test_reset_database_leaves_a_database_whose_token_is_held(target, gofer, capsys):
    _token, db, _marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    result = run(capsys, args_for(target, reset_database=True))
    assert result['moved'] == [] and result['changed'] is False
    assert result['state'] == 'held' and result['token'] == SECRET
    assert database_files(target) == ['gofer.db']


# Check mode


def test_check_mode_makes_no_request_and_writes_nothing(target, gofer, capsys):
    _token, _db, marker = paths(target)
    new_database(target)
    marker.write_text('GOFER_WEB_SERVER__BIND_ADDRESS=127.0.0.1:8080\n')
    result = run(capsys, args_for(target, gofer, loopback_marker=str(marker), reset_database=True), check=True)
    assert result['state'] == 'none' and result['changed'] is False and result['moved'] == []
    assert gofer.requests == []
    assert os.listdir(str(target / 'etc')) == ['gofer-bootstrap.env']
    assert database_files(target) == ['gofer.db']
    result = run(capsys, args_for(target, token=OPERATOR), check=True)
    assert result['state'] == 'held' and result['changed'] is True
    assert os.listdir(str(target / 'etc')) == ['gofer-bootstrap.env']


# The loopback marker


def test_the_loopback_marker_goes_once_the_token_is_claimed(target, gofer, capsys):
    _token, _db, marker = paths(target)
    new_database(target)
    marker.write_text('x\n')
    result = run(capsys, args_for(target, gofer, loopback_marker=str(marker)))
    assert result['state'] == 'claimed'
    assert result['marker_removed'] is True and result['loopback_phase'] is False
    assert not marker.exists()


def test_the_loopback_marker_goes_when_a_token_is_held(target, gofer, capsys):
    _token, _db, marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    marker.write_text('x\n')
    result = run(capsys, args_for(target, loopback_marker=str(marker)))
    assert result['state'] == 'held' and result['changed'] is True and result['marker_removed'] is True
    assert not marker.exists()
    again = run(capsys, args_for(target, loopback_marker=str(marker)))
    assert again['changed'] is False and again['marker_removed'] is False and again['loopback_phase'] is False


@pytest.mark.parametrize('answer', ['none', 'claimed_elsewhere'])
def test_the_loopback_marker_stays_when_nothing_is_held(target, gofer, capsys, answer):
    _token, _db, marker = paths(target)
    new_database(target)
    marker.write_text('x\n')
    gofer.claimed = answer == 'claimed_elsewhere'
    extra = {} if answer == 'claimed_elsewhere' else {'bootstrap': 'never'}
    result = run(capsys, args_for(target, gofer, loopback_marker=str(marker), **extra))
    assert result['state'] == answer
    assert result['marker_removed'] is False and result['loopback_phase'] is True
    assert marker.exists()


# The operator's token


def test_an_operator_token_is_saved_bound_to_the_database(target, capsys):
    token, db, _marker = paths(target)
    new_database(target)
    result = run(capsys, args_for(target, token=OPERATOR))
    assert result['state'] == 'held' and result['changed'] is True and result['token'] == OPERATOR
    assert saved_token(token) == [OPERATOR] and mode_of(token) == 0o600
    assert re.search(r' inode=%d( generation=[0-9]+)?\n' % os.stat(str(db)).st_ino, token.read_text())
    again = run(capsys, args_for(target, token=OPERATOR))
    assert again['state'] == 'held' and again['changed'] is False


def test_a_different_operator_token_replaces_the_held_one_and_keeps_it(target, gofer, capsys):
    token, _db, _marker = paths(target)
    new_database(target)
    run(capsys, args_for(target, gofer))
    result = run(capsys, args_for(target, token=OPERATOR))
    assert result['state'] == 'held' and result['changed'] is True and result['token'] == OPERATOR
    assert saved_token(token) == [OPERATOR]
    kept = backups(target)
    assert len(kept) == 1 and saved_token(target / 'etc' / kept[0]) == [SECRET]


def test_rotations_within_one_second_keep_every_previous_token(target, capsys, monkeypatch):
    token, _db, _marker = paths(target)
    new_database(target)
    monkeypatch.setattr(server_token.time, 'gmtime', lambda *a: (2026, 12, 2, 15, 0, 0, 2, 336, 0))
    for value in (SECRET, SECOND, OPERATOR):
        run(capsys, args_for(target, token=value))
    assert saved_token(token) == [OPERATOR]
    kept = sorted(saved_token(target / 'etc' / name)[0] for name in backups(target))
    assert kept == sorted([SECRET, SECOND])


def test_an_operator_token_with_no_database_is_a_clear_error(target, capsys):
    _token, db, _marker = paths(target)
    result = run(capsys, args_for(target, token=OPERATOR))
    assert result['failed'] is True
    assert result['msg'] == 'token: there is no main database at %s to bind it to; start Gofer first.' % db
    assert os.listdir(str(target / 'etc')) == []
    assert OPERATOR not in result['msg']


@pytest.mark.parametrize('value', ['$(touch${IFS}/tmp/pwned)', 'a`id`', 'two\nGOFER_TOKEN=x', "it's"])
def test_an_operator_token_the_shell_would_expand_is_refused(target, capsys, value):
    new_database(target)
    result = run(capsys, args_for(target, token=value))
    assert result['failed'] is True
    assert result['msg'].startswith('token: ')
    assert os.listdir(str(target / 'etc')) == []


# Answers that are not Gofer's


@pytest.mark.parametrize('body', [
    {'token_details': {}},
    {'token_details': {}, 'secret': ''},
    {'token_details': {}, 'secret': 42},
    {'token_details': {}, 'secret': 'has space'},
    # The file is sourced by a root shell (docs/provisioning.md): a secret must not run anything there.
    {'token_details': {}, 'secret': '$(touch${IFS}/tmp/pwned)'},
    {'token_details': {}, 'secret': 'x;reboot'},
    b'not json',
])
def test_a_201_without_a_usable_secret_fails_clearly_and_saves_nothing(target, gofer, capsys, body):
    token, _db, marker = paths(target)
    new_database(target)
    marker.write_text('x\n')
    gofer.bootstrap_body = body
    result = run(capsys, args_for(target, gofer, loopback_marker=str(marker)))
    assert result['failed'] is True
    assert result['msg'].startswith('Gofer answered 201 to the bootstrap request without a usable "secret" field')
    assert not token.exists() and marker.exists()


def test_an_unexpected_status_fails_with_gofers_answer(target, gofer, capsys):
    new_database(target)
    result = run(capsys, args_for(target, gofer, url=gofer.url + '/nowhere'))
    assert result['failed'] is True
    assert result['msg'].startswith('POST %s/nowhere/api/tokens/bootstrap: Gofer answered 404' % gofer.url)


def test_no_answer_fails_naming_the_url(target, gofer, capsys):
    new_database(target)
    url = gofer.url
    gofer.close()
    result = run(capsys, args_for(target, gofer, url=url))
    assert result['failed'] is True and result['msg'].startswith('POST %s/api/tokens/bootstrap: no answer' % url)
    gofer.server = type('Closed', (), {'shutdown': lambda s: None, 'server_close': lambda s: None})()


def test_a_claim_with_no_database_fails_clearly_and_keeps_the_token_bound_to_none(target, gofer, capsys):
    token, db, _marker = paths(target)
    result = run(capsys, args_for(target, gofer))
    assert result['failed'] is True and result['changed'] is True and result['state'] == 'unbound'
    assert 'its main database %s does not exist' % db in result['msg']
    assert 'saved in %s' % token in result['msg'] and SECRET not in result['msg'] and 'token' not in result
    # Gofer gives its root token once: it is kept root-only, and a later run never takes it as held.
    assert saved_token(token) == [SECRET] and mode_of(token) == 0o600
    new_database(target)
    again = run(capsys, args_for(target, gofer))
    assert again['state'] == 'claimed_elsewhere' and saved_token(token) == [SECRET]


def test_a_409_after_a_concurrent_run_saved_the_token_is_held(target, gofer, capsys, monkeypatch):
    token, _db, _marker = paths(target)
    new_database(target)
    first = run(capsys, args_for(target, gofer))
    text = token.read_text()
    token.unlink()
    real = server_token.post_bootstrap

    def concurrent_save(*args):
        # The other run's save lands between our read of the token file and Gofer's 409.
        token.write_text(text)
        os.chmod(str(token), 0o600)
        return real(*args)

    monkeypatch.setattr(server_token, 'post_bootstrap', concurrent_save)
    result = run(capsys, args_for(target, gofer))
    assert result['state'] == 'held' and result['token'] == first['token']


def test_reset_database_puts_back_what_it_moved_when_a_later_move_fails(target, capsys, monkeypatch):
    _token, db, _marker = paths(target)
    new_database(target)
    (target / 'data' / 'gofer.db-wal').write_text('wal')
    real = os.link

    def failing_link(src, dst, **kwargs):
        if src == 'gofer.db':  # the last to move, after its -wal
            raise OSError(28, 'No space left on device')
        return real(src, dst, **kwargs)

    monkeypatch.setattr(server_token.os, 'link', failing_link)
    result = run(capsys, args_for(target, reset_database=True))
    assert result['failed'] is True
    assert result['msg'].startswith('reset_database: could not move %s aside' % db)
    assert result['msg'].endswith('what was moved is back in place.')
    assert database_files(target) == ['gofer.db', 'gofer.db-wal']


# The listener: only Gofer's own process is sent the request or the token


def fake_systemctl(tmp_path, monkeypatch, pid):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    script = bin_dir / 'systemctl'
    script.write_text('#!/bin/sh\necho %d\n' % pid)
    script.chmod(0o755)
    monkeypatch.setenv('PATH', '%s:%s' % (bin_dir, os.environ.get('PATH', '')))


@pytest.mark.skipif(not os.path.exists('/proc/net/tcp'), reason='Linux /proc only')
def test_a_port_held_by_another_user_is_sent_nothing(target, gofer, capsys, monkeypatch):
    new_database(target)
    # gofer.service's main process runs as another user than this test, which listens.
    monkeypatch.setattr(server_token._listener, 'uid_of', lambda pid, proc='/proc': os.geteuid() + 1)
    fake_systemctl(target, monkeypatch, os.getpid())
    result = run(capsys, args_for(target, gofer, listener_service='gofer.service'))
    assert result['failed'] and result['state'] == 'none'
    assert result['msg'].startswith('listener_service: nothing was sent to %s: port %d is held by another user than '
                                    'uid %d' % (gofer.url, gofer.server.server_address[1], os.geteuid() + 1))
    assert gofer.requests == [] and not paths(target)[0].exists()


def test_a_service_with_no_main_process_is_sent_nothing(target, gofer, capsys, monkeypatch):
    new_database(target)
    fake_systemctl(target, monkeypatch, 0)
    result = run(capsys, args_for(target, gofer, listener_service='gofer.service'))
    assert result['failed'] and 'gofer.service has no main process' in result['msg'] and gofer.requests == []


@pytest.mark.skipif(not os.path.exists('/proc/net/tcp'), reason='Linux /proc only')
def test_the_main_process_user_that_listens_is_sent_the_request_and_later_the_token(target, gofer, capsys, monkeypatch):
    new_database(target)
    fake_systemctl(target, monkeypatch, os.getpid())
    result = run(capsys, args_for(target, gofer, listener_service='gofer.service'))
    assert result['state'] == 'claimed' and result['listener_checked']
    result = run(capsys, args_for(target, gofer, listener_service='gofer.service', bootstrap='verify'))
    assert result['state'] == 'held' and result['listener_checked'] and len(gofer.requests) == 2


def test_a_url_whose_port_is_not_a_number_is_an_error_naming_it_not_an_exception(target, capsys, monkeypatch):
    new_database(target)
    fake_systemctl(target, monkeypatch, os.getpid())
    result = run(capsys, args_for(target, None, bootstrap='unless_held', url='http://127.0.0.1:80x0',
                                  listener_service='gofer.service'))
    assert result['failed'] and result['msg'].startswith('url: http://127.0.0.1:80x0 has no valid port (')
    assert result['state'] == 'none' and 'Traceback' not in result['msg']
