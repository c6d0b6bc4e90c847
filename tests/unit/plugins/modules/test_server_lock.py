# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gofer.gofer.server_lock: one run at a time per host; a killed run's lease is taken over, never a live one's."""

from __future__ import annotations

import json
import os
import time

import pytest

from ansible_collections.gofer.gofer.tests.unit.plugins.modules.compat import patch_module_args

from ansible_collections.gofer.gofer.plugins.modules import server_lock

ME = {'controller': 'ctl-a', 'pid': 100, 'start': '5'}
OTHER = {'controller': 'ctl-b', 'pid': 200, 'start': '7'}
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason='the lease must be root\'s: run as root')


def run(capsys, path, owner, check=False, **extra):
    args = dict(path=str(path), _owner=owner, _ansible_check_mode=check)
    args.update(extra)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            server_lock.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def lease(tmp_path):
    os.chmod(str(tmp_path), 0o755)
    return tmp_path / 'gofer.gofer.server.lock'


@needs_root
def test_a_free_host_is_taken_and_the_same_run_may_take_it_again(lease, capsys):
    first = run(capsys, lease, ME)
    assert first['busy'] is False and first['holder']['pid'] == 100 and first['taken_over'] is None
    assert oct(os.stat(str(lease)).st_mode & 0o777) == '0o600'
    again = run(capsys, lease, ME)
    assert again['busy'] is False and again['holder']['since'] == first['holder']['since']


@needs_root
def test_a_host_another_run_holds_is_busy_and_its_lease_is_kept(lease, capsys):
    run(capsys, lease, OTHER)
    busy = run(capsys, lease, ME)
    assert busy['busy'] is True
    assert busy['holder'] == dict(OTHER, boot=None, pidns=None, since=busy['holder']['since'])
    # Giving up a lease one does not hold changes nothing.
    run(capsys, lease, ME, state='free')
    assert json.loads(lease.read_text())['owner'] == OTHER


@needs_root
def test_only_the_exact_lease_read_is_taken_over(lease, capsys):
    run(capsys, lease, OTHER)
    wrong = run(capsys, lease, ME, _take_over=dict(OTHER, start='8'))
    assert wrong['busy'] is True
    taken = run(capsys, lease, ME, _take_over=OTHER)
    assert taken['busy'] is False and taken['taken_over']['pid'] == 200
    assert json.loads(lease.read_text())['owner'] == ME


@needs_root
def test_an_expired_lease_is_taken_over(lease, capsys):
    run(capsys, lease, OTHER)
    data = json.loads(lease.read_text())
    data['expires'] = time.time() - 1
    lease.write_text(json.dumps(data))
    taken = run(capsys, lease, ME)
    assert taken['busy'] is False and taken['taken_over']['controller'] == 'ctl-b'


@needs_root
def test_free_gives_the_host_to_the_next_run(lease, capsys):
    run(capsys, lease, OTHER)
    run(capsys, lease, OTHER, state='free')
    assert lease.read_text() == ''
    assert run(capsys, lease, ME)['busy'] is False


@needs_root
def test_check_mode_takes_nothing(lease, capsys):
    result = run(capsys, lease, ME, check=True)
    assert result['busy'] is False and lease.read_text() == ''


@needs_root
def test_a_link_at_the_lease_is_not_followed(lease, capsys, tmp_path):
    victim = tmp_path / 'victim'
    victim.write_text('root data\n')
    os.symlink(str(victim), str(lease))
    result = run(capsys, lease, ME)
    assert result['failed'] is True and result['msg'].startswith('path: the lease %s cannot be opened' % lease)
    assert victim.read_text() == 'root data\n'


@needs_root
def test_a_directory_others_can_write_is_refused(lease, capsys):
    os.chmod(str(lease.parent), 0o777)
    result = run(capsys, lease, ME)
    assert result['failed'] is True
    assert result['msg'].startswith('path: %s must be a directory of root\'s that no one else can write' % lease.parent)
