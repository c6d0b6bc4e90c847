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
    # A writer holds the database open with uncheckpointed changes in its -wal: the copy has them.
    writer = sqlite3.connect(host['db'])
    writer.execute("INSERT INTO runs VALUES ('in the wal only')")
    writer.commit()
    assert os.path.getsize(host['db'] + '-wal') > 0
    try:
        snap = take(host)
    finally:
        writer.close()
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
    assert result['changed'] and result['restored'] == [host['config'], host['record'], host['db']]
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
