# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller side of gofer.gofer.server_lock: which run holding a host has ended, as this controller can tell."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from ansible_collections.gofer.gofer.plugins.action import server_lock as action


def test_a_run_of_this_controller_whose_process_is_gone_has_ended():
    me = action.this_run()
    assert me['boot'] and me['pidns']
    child = subprocess.Popen([sys.executable, '-c', 'pass'])
    child.wait()
    assert action.gone(dict(me, pid=child.pid, start=None), me) is True
    # A live process with the start time recorded is the run; with another start time its pid was reused.
    live = dict(me, pid=os.getpid(), start=action.process_start(os.getpid()))
    assert action.gone(live, me) is False
    assert action.gone(dict(live, start='1'), me) is True
    # Another controller's run, or one in another boot or pid namespace (a container with the same host name),
    # cannot be seen from here: it is never taken for ended.
    for other in ({'controller': 'elsewhere'}, {'boot': 'another-boot'}, {'pidns': '1'}, {'pidns': None}):
        assert action.gone(dict(me, pid=child.pid, start=None, **other), me) is False, other


def test_a_killed_process_not_yet_reaped_has_ended():
    me = action.this_run()
    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    try:
        child.kill()
        time.sleep(0.5)  # a zombie until waited for
        assert action.gone(dict(me, pid=child.pid, start=action.process_start(child.pid)), me) is True
    finally:
        child.wait()
