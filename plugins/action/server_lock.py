# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller side of gofer.gofer.server_lock: who this run is, whether the run holding the host still lives, and
the wait. The target keeps the lease."""

from __future__ import annotations

import os
import socket
import time

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.gofer.gofer.plugins.module_utils import _argspec

MODULE = 'gofer.gofer.server_lock'
POLL = 2.0


def _stat(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()
    except (OSError, IndexError):
        return None


def process_start(pid):
    """The start time of pid in clock ticks since boot (Linux), so that a reused pid is not taken for the run."""
    fields = _stat(pid)
    return fields[19] if fields and len(fields) > 19 else None


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def _pid_namespace():
    try:
        return str(os.stat('/proc/self/ns/pid').st_ino)
    except OSError:
        return None


def this_run():
    """The ansible-playbook process this task runs in (workers are forked from it), and where its pid means it: the
    controller's name, its boot and its pid namespace (two containers may share a host name)."""
    pid = os.getppid()
    return {'controller': socket.gethostname(), 'pid': pid, 'start': process_start(pid),
            'boot': _read('/proc/sys/kernel/random/boot_id'), 'pidns': _pid_namespace()}


def gone(owner, me):
    """Whether the run that holds the lease has ended: only knowable for a run of this controller, in this boot and
    pid namespace."""
    if owner.get('controller') != me['controller'] or not isinstance(owner.get('pid'), int):
        return False
    if me.get('boot') is None or me.get('pidns') is None or (owner.get('boot'), owner.get('pidns')) != (
            me['boot'], me['pidns']):
        return False
    try:
        os.kill(owner['pid'], 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    fields = _stat(owner['pid'])
    if fields and fields[0] in ('Z', 'X'):
        return True  # killed, not yet reaped
    return owner.get('start') is not None and process_start(owner['pid']) != owner['start']


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = True

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = False
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=_argspec.lock_options())
        if not 0 <= args['timeout'] <= 86400 or not 60 <= args['ttl'] <= 7 * 86400:
            raise AnsibleActionFail('timeout must be 0 to 86400 seconds and ttl 60 to 604800 seconds.')
        me = this_run()
        module_args = dict(args, _owner=me)
        started = time.time()
        while True:
            answer = self._execute_module(module_name=MODULE, module_args=module_args, task_vars=task_vars)
            if answer.get('failed') or not answer.pop('busy', False):
                break
            holder = answer['holder']
            # The exact lease read: the target takes it over only if it is still that one.
            owner = {key: holder.get(key) for key in ('controller', 'pid', 'start', 'boot', 'pidns')}
            if gone(owner, me) and module_args.get('_take_over') != owner:
                module_args['_take_over'] = owner
                continue
            if time.time() - started >= args['timeout']:
                raise AnsibleActionFail(
                    'Another run provisions this host: ansible-playbook process %s on %s has held %s since %s. '
                    'Waited %d s (timeout); run again when it has finished. A lease of a run that was killed on '
                    'another controller expires %d s after it was taken (ttl), or remove %s once that run is gone.'
                    % (holder['pid'], holder['controller'], args['path'], holder['since'], args['timeout'],
                       args['ttl'], args['path']))
            time.sleep(POLL)
        answer.pop('busy', None)
        answer['waited'] = round(time.time() - started, 1)
        if answer.get('taken_over'):
            self._display.warning(
                'gofer.gofer.server_lock: took over the lease of ansible-playbook process %s on %s (since %s): that '
                'run has ended without giving it up (killed, or its lease expired).'
                % (answer['taken_over']['pid'], answer['taken_over']['controller'], answer['taken_over']['since']))
        result.update(answer)
        return result
