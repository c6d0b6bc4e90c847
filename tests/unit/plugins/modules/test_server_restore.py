# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gofer.gofer.server_restore as a task runs it: what it reports, and that a bad snapshot changes nothing."""

from __future__ import annotations

import json
import os
import pwd
import sqlite3

import pytest

from ansible_collections.gofer.gofer.tests.unit.plugins.modules.compat import patch_module_args

from ansible_collections.gofer.gofer.plugins.module_utils import _snapshot
from ansible_collections.gofer.gofer.plugins.modules import server_restore

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='snapshots are root-only: run as root')
USER = pwd.getpwuid(os.geteuid())


def run(capsys, args, check=False):
    with patch_module_args(dict(args, _ansible_check_mode=check)):
        with pytest.raises(SystemExit):
            server_restore.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def placed(tmp_path):
    etc, data = tmp_path / 'etc', tmp_path / 'data'
    etc.mkdir()
    data.mkdir()
    config, record, db = etc / 'gofer_web.toml', etc / '.gofer_web.toml.keyguard', data / 'gofer.db'
    config.write_text('for 0.7.2\n')
    record.write_text('{"gofer_version": "0.7.2"}\n')
    conn = sqlite3.connect(str(db))
    conn.execute('CREATE TABLE runs (note TEXT)')
    conn.commit()
    conn.close()
    snap = _snapshot.take(str(tmp_path / 'backups'), 3, str(config), str(record), str(db), USER, '0.7.2', '0.7.3')
    config.write_text('for 0.7.3\n')
    conn = sqlite3.connect(str(db))
    conn.execute("INSERT INTO runs VALUES ('by 0.7.3')")
    conn.commit()
    conn.close()
    return {'snapshot': snap['path'], 'config': config, 'record': record, 'db': db}


def rows(db):
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute('SELECT note FROM runs').fetchall()
    finally:
        conn.close()


def test_check_mode_says_what_would_be_restored_and_changes_nothing(placed, capsys):
    result = run(capsys, {'snapshot': placed['snapshot'], 'service_user': USER.pw_name}, check=True)
    assert result['changed'] is True
    assert result['restored'] == [str(placed['db']), str(placed['config'])]
    assert placed['config'].read_text() == 'for 0.7.3\n' and rows(placed['db']) == [('by 0.7.3',)]


def test_restore_reports_what_it_put_back(placed, capsys):
    result = run(capsys, {'snapshot': placed['snapshot'], 'service_user': USER.pw_name})
    assert result['changed'] is True and (result['from_version'], result['to_version']) == ('0.7.2', '0.7.3')
    assert result['restored'] == [str(placed['db']), str(placed['config'])]
    assert placed['config'].read_text() == 'for 0.7.2\n' and rows(placed['db']) == []
    again = run(capsys, {'snapshot': placed['snapshot'], 'service_user': USER.pw_name})
    # The config is as the snapshot has it; the database is written again (a restore runs only in a rollback).
    assert again['restored'] == [str(placed['db'])]


def test_a_snapshot_others_could_change_is_refused_with_nothing_restored(placed, capsys):
    os.chmod(placed['snapshot'], 0o755)
    result = run(capsys, {'snapshot': placed['snapshot'], 'service_user': USER.pw_name})
    assert result['failed'] is True
    assert result['msg'] == ('snapshot: the snapshot %s is not a directory of root\'s with mode 0700. Nothing was '
                             'restored.' % placed['snapshot'])
    assert placed['config'].read_text() == 'for 0.7.3\n'


def test_a_missing_service_user_is_named(placed, capsys):
    result = run(capsys, {'snapshot': placed['snapshot'], 'service_user': 'no-such-user'})
    assert result['failed'] is True
    assert result['msg'] == 'service_user "no-such-user" does not exist on the target; nothing was restored.'


def test_a_restore_waits_for_server_config_s_lock_and_gives_up_with_a_message(placed, capsys, monkeypatch):
    import fcntl
    lock = os.open(str(placed['config'].parent), os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    monkeypatch.setattr(server_restore, 'LOCK_TIMEOUT', 0.5)
    try:
        result = run(capsys, {'snapshot': placed['snapshot'], 'service_user': USER.pw_name})
    finally:
        os.close(lock)
    assert result['failed'] is True
    assert result['msg'] == ('Another run of gofer.gofer.server_config has held the lock on %s for 0.5 s; nothing was '
                             'restored.' % placed['config'].parent)
    assert placed['config'].read_text() == 'for 0.7.3\n'
