# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rollback's snapshot: taken with sqlite's backup API as the service account, put back as it was."""

from __future__ import annotations

import json
import os
import pathlib
import pwd
import shutil
import sqlite3
import stat
import tempfile

import pytest

from ansible_collections.gofer.gofer.plugins.module_utils import _snapshot

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason='snapshots are root-only: run as root')


def service_user():
    """An unprivileged account to run the copies as (nobody), or the current user when not root."""
    if not ROOT:
        return pwd.getpwuid(os.geteuid())
    return pwd.getpwnam('nobody')


@pytest.fixture
def host():
    """/etc/gofer with a config and record of root's, a data directory of the service account's with a WAL
    database, and where the snapshots go; in a directory the service account can reach."""
    base = tempfile.mkdtemp()
    os.chmod(base, 0o755)
    try:
        yield make_host(pathlib.Path(base))
    finally:
        shutil.rmtree(base)


def make_host(tmp_path):
    user = service_user()
    etc = tmp_path / 'etc'
    etc.mkdir(mode=0o755)
    config = etc / 'gofer_web.toml'
    config.write_text('[server]\nstorage_path = "old"\n')
    os.chmod(str(config), 0o640)
    record = etc / '.gofer_web.toml.keyguard'
    record.write_text('{"gofer_version": "0.7.2"}\n')
    os.chmod(str(record), 0o600)
    data = tmp_path / 'data'
    data.mkdir(mode=0o750)
    os.chown(str(data), user.pw_uid, user.pw_gid)
    db = data / 'gofer.db'
    conn = sqlite3.connect(str(db))
    conn.execute('PRAGMA journal_mode=WAL')
    conn.execute('CREATE TABLE runs (note TEXT)')
    conn.execute("INSERT INTO runs VALUES ('before the upgrade')")
    conn.commit()
    conn.close()
    for name in os.listdir(str(data)):
        os.chown(str(data / name), user.pw_uid, user.pw_gid)
    return {'tmp': tmp_path, 'user': user, 'config': str(config), 'record': str(record), 'db': str(db),
            'snapshots': str(tmp_path / 'backups' / 'gofer')}


def notes(db):
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute('SELECT note FROM runs ORDER BY rowid')]
    finally:
        conn.close()


def take(host, **kw):
    args = dict(directory=host['snapshots'], keep=3, config_path=host['config'], record_path=host['record'],
                database=host['db'], user=host['user'], from_version='0.7.2', to_version='0.7.3')
    args.update(kw)
    return _snapshot.take(**args)


@needs_root
def test_a_snapshot_holds_the_config_the_record_and_a_consistent_database(host):
    # Another process (Gofer) holds the database open with uncheckpointed changes in its -wal: the copy has them.
    import subprocess
    import sys
    writer = subprocess.Popen(
        [sys.executable, '-c', 'import sqlite3, sys, time\n'
         'c = sqlite3.connect(sys.argv[1])\n'
         'c.execute("INSERT INTO runs VALUES (\'in the wal only\')"); c.commit()\n'
         'print("written", flush=True); time.sleep(60)', host['db']],
        stdout=subprocess.PIPE)
    try:
        assert writer.stdout.readline() == b'written\n'
        assert os.path.getsize(host['db'] + '-wal') > 0
        snap = take(host)
    finally:
        writer.kill()
        writer.wait()
    path = snap['path']
    assert os.path.basename(path).endswith('-0.7.2-to-0.7.3')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700 and os.stat(path).st_uid == 0
    assert sorted(os.listdir(path)) == ['config', 'database', 'manifest.json', 'record']
    for name in os.listdir(path):
        st = os.stat(os.path.join(path, name))
        assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o600), name
    assert notes(os.path.join(path, 'database')) == ['before the upgrade', 'in the wal only']
    manifest = json.loads(open(os.path.join(path, 'manifest.json')).read())
    assert manifest['config'] == {'path': host['config'], 'mode': '0640', 'uid': 0, 'gid': 0}
    assert manifest['database']['path'] == host['db']
    assert snap['database'] == host['db'] and snap['removed'] == []
    # No copy is left in the service account's directory.
    assert [n for n in os.listdir(os.path.dirname(host['db'])) if n.startswith('.gofer-snapshot')] == []


@needs_root
def test_restore_puts_back_the_config_the_record_and_the_data_in_place(host):
    snap = take(host)
    inode = os.stat(host['db']).st_ino
    with open(host['config'], 'w') as f:
        f.write('new release config\n')
    with open(host['record'], 'w') as f:
        f.write('new record\n')
    conn = sqlite3.connect(host['db'])
    conn.execute("INSERT INTO runs VALUES ('written by the new release')")
    conn.commit()
    conn.close()
    result = _snapshot.restore(snap['path'], host['user'])
    # The database first: a restore that fails half way never leaves the old config on the new data.
    assert result['changed'] and result['restored'] == [host['db'], host['config'], host['record']]
    assert open(host['config']).read() == '[server]\nstorage_path = "old"\n'
    assert stat.S_IMODE(os.stat(host['config']).st_mode) == 0o640
    assert open(host['record']).read() == '{"gofer_version": "0.7.2"}\n'
    assert notes(host['db']) == ['before the upgrade']
    # The same file: a root token held for this database stays bound to it.
    assert os.stat(host['db']).st_ino == inode
    assert os.stat(host['db']).st_uid == host['user'].pw_uid


@needs_root
def test_restore_after_a_reset_moves_the_old_database_back(host):
    moved_to = host['db'] + '.before-0.7.3.20261204T000000Z'
    snap = take(host, moved_to=moved_to)
    inode = os.stat(host['db']).st_ino
    os.rename(host['db'], moved_to)
    for suffix in ('-wal', '-shm'):
        if os.path.exists(host['db'] + suffix):
            os.rename(host['db'] + suffix, moved_to + suffix)
    conn = sqlite3.connect(host['db'])
    conn.execute('CREATE TABLE fresh (x)')
    conn.commit()
    conn.close()
    result = _snapshot.restore(snap['path'], host['user'])
    assert os.stat(host['db']).st_ino == inode
    assert notes(host['db']) == ['before the upgrade']
    assert not os.path.exists(moved_to)
    failed = [m['to'] for m in result['moved'] if m['from'] == host['db']]
    assert len(failed) == 1 and '.failed-0.7.3.' in failed[0] and os.path.exists(failed[0])


@needs_root
def test_a_planted_link_is_read_only_as_the_service_account(host):
    # The account replaces its database with a link to a root-only database: the copy, made as the account,
    # cannot read it, and no snapshot is left.
    secret = host['tmp'] / 'root-only.db'
    conn = sqlite3.connect(str(secret))
    conn.execute('CREATE TABLE secrets (x)')
    conn.commit()
    conn.close()
    os.chmod(str(secret), 0o600)
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(host['db'] + suffix):
            os.unlink(host['db'] + suffix)
    os.symlink(str(secret), host['db'])
    with pytest.raises(_snapshot.SnapshotError) as e:
        take(host)
    assert str(e.value).startswith('%s could not be copied as nobody: ' % host['db'])
    assert _snapshot.snapshots(host['snapshots']) == []
    assert os.listdir(host['snapshots']) == []


@needs_root
def test_restore_writes_through_a_planted_link_only_as_the_service_account(host):
    snap = take(host)
    victim = host['tmp'] / 'root-only.db'
    conn = sqlite3.connect(str(victim))
    conn.execute('CREATE TABLE runs (note TEXT)')
    conn.execute("INSERT INTO runs VALUES ('root data')")
    conn.commit()
    conn.close()
    os.chmod(str(victim), 0o600)
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(host['db'] + suffix):
            os.unlink(host['db'] + suffix)
    os.symlink(str(victim), host['db'])
    with pytest.raises(_snapshot.SnapshotError):
        _snapshot.restore(snap['path'], host['user'])
    assert notes(str(victim)) == ['root data']


@needs_root
def test_a_directory_the_account_can_write_is_refused(host):
    parent = host['tmp'] / 'backups'
    parent.mkdir()
    os.chown(str(parent), host['user'].pw_uid, host['user'].pw_gid)
    with pytest.raises(_snapshot.SnapshotError) as e:
        take(host)
    assert str(e.value).startswith('%s is owned by uid %d' % (parent, host['user'].pw_uid))
    assert os.listdir(str(parent)) == []


@needs_root
def test_retention_keeps_the_newest_and_removes_only_snapshots(host):
    first = take(host)['path']
    os.makedirs(host['snapshots'] + '/not-a-snapshot')
    planted = host['snapshots'] + '/20000101T000000Z-0.7.1-to-0.7.2'
    os.makedirs(planted)
    open(planted + '/something-else', 'w').close()
    taken = [take(host, to_version='0.7.%d' % n)['path'] for n in (4, 5)]
    result = take(host, to_version='0.7.6', keep=2)
    # The planted directory matches the name but holds a file no snapshot has: left alone.
    assert result['removed'] == [first, taken[0]]
    assert sorted(os.listdir(host['snapshots'])) == sorted(
        [os.path.basename(p) for p in (planted, taken[1], result['path'])] + ['not-a-snapshot'])


@needs_root
def test_a_manifest_that_is_not_roots_is_refused(host):
    snap = take(host)
    os.chown(os.path.join(snap['path'], 'manifest.json'), host['user'].pw_uid, -1)
    with pytest.raises(_snapshot.SnapshotError) as e:
        _snapshot.restore(snap['path'], host['user'])
    assert 'has no manifest of root\'s' in str(e.value)


@needs_root
def test_a_stopped_copy_is_killed_and_holds_nothing_of_roots(host):
    # The service account can stop its own process: the parent gives up at the deadline, and the child held none
    # of root's descriptors meanwhile (a lock of root's would outlive a killed run).
    import fcntl
    import signal
    lock = os.open(host['snapshots'].rsplit('/', 2)[0], os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)

    def work(inp, out):
        os.kill(os.getpid(), signal.SIGSTOP)

    try:
        started = __import__('time').time()
        with pytest.raises(_snapshot.SnapshotError) as e:
            _snapshot.run_as(host['user'], work, timeout=2)
        assert 'did not finish within 2 s (stopped or stalled), so it was killed' in str(e.value)
        assert __import__('time').time() - started < 10
    finally:
        os.close(lock)


@needs_root
def test_the_copy_runs_without_roots_descriptors(host):
    import fcntl
    lock = os.open(host['snapshots'].rsplit('/', 2)[0], os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)

    def work(inp, out):
        out.write(('%s' % sorted(int(fd) for fd in os.listdir('/proc/self/fd'))).encode())

    class Sink(list):
        def write(self, data):
            self.append(data)
    sink = Sink()
    try:
        _snapshot.run_as(host['user'], work, sink=sink)
    finally:
        os.close(lock)
    fds = eval(b''.join(sink).decode())
    # stdin, stdout and stderr (on /dev/null), its three pipes, and the descriptor listdir itself opened.
    assert lock not in fds or len(fds) <= 7, fds
    assert len(fds) <= 7, fds


@needs_root
def test_a_restore_that_cannot_move_the_database_back_puts_the_new_one_back_and_nothing_else(host, monkeypatch):
    moved_to = host['db'] + '.before-0.7.3.20261204T000000Z'
    snap = take(host, moved_to=moved_to)
    os.rename(host['db'], moved_to)
    conn = sqlite3.connect(host['db'])
    conn.execute('CREATE TABLE fresh (x)')
    conn.commit()
    conn.close()
    with open(host['config'], 'w') as f:
        f.write('new release config\n')
    real = _snapshot._aside.move

    def move(database, target):
        # The second move fails (a name planted between the two, say).
        if database == moved_to:
            raise _snapshot._aside.MoveError('%s-wal exists already; nothing was moved.' % host['db'])
        return real(database, target)
    monkeypatch.setattr(_snapshot._aside, 'move', move)
    with pytest.raises(_snapshot.SnapshotError) as e:
        _snapshot.restore(snap['path'], host['user'])
    assert "The new release's database is back at %s. Nothing else was put back." % host['db'] in str(e.value)
    assert open(host['config']).read() == 'new release config\n'
    assert os.path.exists(moved_to)
    conn = sqlite3.connect(host['db'])
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'fresh'").fetchall() == [('fresh',)]
    conn.close()
