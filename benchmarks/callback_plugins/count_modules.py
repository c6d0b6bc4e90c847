# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Count module executions per host (benchmarks only).

An action such as ansible.builtin.template runs several modules on the target (stat, then copy),
so counting tasks is not enough: this callback wraps ActionBase._execute_module before the
workers fork, each execution appends "host<TAB>module" to $GOFER_BENCH_COUNTS, and the totals
are written as JSON to $GOFER_BENCH_COUNTS.json at the end of the run.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: count_modules
type: aggregate
short_description: Count module executions per host
description:
  - Benchmark helper of gofer.gofer. Writes per-host module execution counts to E(GOFER_BENCH_COUNTS).json.
requirements:
  - enable in ansible.cfg or with ANSIBLE_CALLBACKS_ENABLED=count_modules
"""

import collections
import json
import os

from ansible.plugins.action import ActionBase
from ansible.plugins.callback import CallbackBase

_ORIGINAL = ActionBase._execute_module


def _counted(self, module_name=None, module_args=None, tmp=None, task_vars=None, *args, **kwargs):
    result = _ORIGINAL(self, module_name, module_args, tmp, task_vars, *args, **kwargs)
    path = os.environ.get('GOFER_BENCH_COUNTS')
    if path:
        host = (task_vars or {}).get('inventory_hostname', '?')
        with open(path, 'a') as f:
            f.write('%s\t%s\n' % (host, module_name or self._task.action))
    return result


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'count_modules'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        ActionBase._execute_module = _counted

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('GOFER_BENCH_COUNTS')
        if not path:
            return
        per_host = collections.defaultdict(collections.Counter)
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    host, module = line.rstrip('\n').split('\t')
                    per_host[host][module] += 1
        with open(path + '.json', 'w') as f:
            json.dump({host: dict(counts) for host, counts in per_host.items()}, f)
