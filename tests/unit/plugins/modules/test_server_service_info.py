# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gofer.gofer.server_service_info: what a running Gofer started before, against a systemctl that answers as
systemd does (a script on PATH; these tests run no service)."""

from __future__ import annotations

import calendar
import json
import os
import time

import pytest

from ansible_collections.gofer.gofer.plugins.modules import server_service_info as M
from ansible_collections.gofer.gofer.tests.unit.plugins.modules.compat import patch_module_args


def systemctl(tmp_path, monkeypatch, active='active', started_ago=60.0, rc=0):
    """A systemctl on PATH whose main process started started_ago seconds ago."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    mono = int((time.clock_gettime(time.CLOCK_MONOTONIC) - started_ago) * 1e6)
    lines = ['LoadState=loaded', 'ActiveState=%s' % active, 'SubState=running', 'UnitFileState=enabled',
             'NeedDaemonReload=no', 'MainPID=%d' % (4242 if active == 'active' else 0),
             'ExecMainStartTimestampMonotonic=%d' % (mono if active == 'active' else 0)]
    script = bin_dir / 'systemctl'
    script.write_text('#!/bin/sh\necho "$@" > "%s"\nprintf "%%s\\n" %s\nexit %d\n'
                      % (tmp_path / 'args', ' '.join("'%s'" % line for line in lines), rc))
    script.chmod(0o755)
    monkeypatch.setenv('PATH', '%s:%s' % (bin_dir, os.environ.get('PATH', '')))


def run(capsys, **args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            M.main()
    return json.loads(capsys.readouterr().out)


def placed(path, ago):
    path.write_text('x')
    os.utime(str(path), (time.time() - ago, time.time() - ago))
    return str(path)


def test_files_placed_after_the_start_are_named_the_rest_not(tmp_path, monkeypatch, capsys):
    systemctl(tmp_path, monkeypatch, started_ago=60)
    old = placed(tmp_path / 'old.toml', 120)
    new = placed(tmp_path / 'new.toml', 5)
    link = tmp_path / 'gofer'
    os.symlink(old, str(link))  # the link's own time is now, its target's two minutes ago
    result = run(capsys, paths=[old, new, str(link), str(tmp_path / 'missing')])
    assert result['placed_after_start'] == [new, str(link)]
    assert result['active_state'] == 'active' and result['main_pid'] == 4242 and not result['changed']
    assert result['unit_file_state'] == 'enabled' and result['need_daemon_reload'] is False
    started = calendar.timegm(time.strptime(result['started'][:19], '%Y-%m-%dT%H:%M:%S'))
    assert abs(started - (time.time() - 60)) < 3
    assert (tmp_path / 'args').read_text().split()[-1] == 'gofer.service'


def test_a_service_that_does_not_run_has_nothing_placed_after_its_start(tmp_path, monkeypatch, capsys):
    systemctl(tmp_path, monkeypatch, active='inactive')
    result = run(capsys, paths=[placed(tmp_path / 'new.toml', 0)])
    assert result['placed_after_start'] == [] and result['started'] is None and result['main_pid'] == 0


def test_a_failing_systemctl_is_an_error_naming_the_unit(tmp_path, monkeypatch, capsys):
    systemctl(tmp_path, monkeypatch, rc=1)
    result = run(capsys, name='other.service')
    assert result['failed'] and result['msg'].startswith('systemctl show other.service failed (exit 1)')


def test_started_at_converts_the_monotonic_start_to_the_wall_clock():
    status = {'ActiveState': 'active', 'ExecMainStartTimestampMonotonic': '1000000000'}  # 1000 s after boot
    assert M.started_at(status, now_real=1e9, now_mono=1500.0) == pytest.approx(1e9 - 500)
    assert M.started_at(dict(status, ActiveState='failed'), 1e9, 1500.0) is None
    assert M.started_at(dict(status, ExecMainStartTimestampMonotonic='0'), 1e9, 1500.0) is None
    assert M.iso(0.5) == '1970-01-01T00:00:00.500000Z'
