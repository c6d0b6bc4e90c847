# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Kill the run at a task boundary (tests only): after the Nth task of the role gofer.gofer.server that changed
something, before the next task starts.

With one host and the linear strategy, the next task is not dispatched before this result is processed, so the
kill lands exactly between two tasks, as a lost controller or a Ctrl-C twice would. The name of the task it killed
after is written to $GOFER_KILLED first.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: kill_after
type: aggregate
short_description: Kill ansible-playbook after the Nth changed task of gofer.gofer.server (tests only)
description:
  - Test helper of gofer.gofer's molecule scenario C(service). Reads E(GOFER_KILL_AFTER) (N) and E(GOFER_KILLED)
    (a file to write the task's name to), then sends SIGKILL to its own process group.
requirements:
  - enable with ANSIBLE_CALLBACKS_ENABLED=kill_after and ANSIBLE_CALLBACK_PLUGINS set to this directory
"""

import os
import signal

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'kill_after'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.after = int(os.environ.get('GOFER_KILL_AFTER', '0'))
        self.changed = 0

    def v2_runner_on_ok(self, result):
        role = getattr(result._task, '_role', None)
        if not self.after or role is None or role.get_name() != 'gofer.gofer.server':
            return
        if not result._result.get('changed'):
            return
        self.changed += 1
        if self.changed == self.after:
            with open(os.environ['GOFER_KILLED'], 'w') as f:
                f.write(result._task.get_name() + '\n')
            os.killpg(os.getpgrp(), signal.SIGKILL)
