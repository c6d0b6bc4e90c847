#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: server_lock
short_description: Let one run at a time provision a Gofer host
version_added: 0.6.0
description:
  - Takes or gives up a lease on the host, so that two runs that provision it take turns for the whole change (the
    config, the binary, the unit, the restart and the rollback), not only for one module's part.
  - The lease is a root-only file under C(/run), so a reboot clears it. It names the run that holds it, by the
    controller's host name and the process ID and start time of its C(ansible-playbook); the controller side of
    this module tells that run's end from its own process table, in the same boot and pid namespace only (two
    containers may share a host name).
  - A run that finds the lease held by another run waits for it, up to O(timeout) seconds, then fails naming the
    holder. A lease held by a run of the same controller whose process is gone (killed, or ended by a failure) is
    taken over with a warning. A lease held by a run of another controller is taken over once it expires
    (O(ttl) seconds after it was taken), with a warning.
  - The same run may take the lease again (a play that runs the role twice); giving it up is a no-op when another
    run holds it.
  - The role C(gofer.gofer.server) takes it after its preflight, before the first change, and gives it up at the
    end, whether the run failed or not; its handler's restart takes it too.
options:
  state:
    description:
      - V(held) to take the lease (waiting for it), V(free) to give it up.
    type: str
    choices: [held, free]
    default: held
  path:
    description:
      - The lease file. Its directory must be root's and writable by no one else.
    type: path
    default: /run/gofer.gofer.server.lock
  timeout:
    description:
      - Seconds to wait for a lease another live run holds.
    type: int
    default: 900
  ttl:
    description:
      - Seconds after which a lease held by a run of another controller counts as abandoned.
    type: int
    default: 7200
  _owner:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in with the run this task belongs to.
    type: dict
    required: true
  _take_over:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in with a lease whose run it found gone.
    type: dict
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    description: Waits for a lease another run holds, but neither takes nor gives up one.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
notes:
  - Needs root on the target (become).
author:
  - Gofer collection maintainers (@gofer-ansible)
"""

EXAMPLES = r"""
- name: Provision Gofer, one run at a time
  block:
    - name: Wait for the host
      gofer.gofer.server_lock:
        state: held

    - name: Place the config
      gofer.gofer.server_config:
        src: gofer_web.toml
  always:
    - name: Let the next run have the host
      gofer.gofer.server_lock:
        state: free
"""

RETURN = r"""
holder:
  description: The run that holds the lease after this task (V(null) when none does), as the controller's host name,
    the process ID of its C(ansible-playbook), that process's start time (clock ticks since the controller's boot),
    the controller's boot ID and pid namespace, and when the lease was taken (UTC).
  returned: success
  type: dict
  sample: {controller: ci-runner-3, pid: 4121, start: "912344", boot: 6f1c0d7e-5b0a-4c8e-9d51-2d1f0b7c9a11,
           pidns: "4026531836", since: "2026-12-04T19:30:02Z"}
waited:
  description: Seconds this task waited for another run.
  returned: success
  type: float
  sample: 0.0
taken_over:
  description: The run whose lease this task took over (its process is gone, or its lease expired); V(null) if none.
  returned: success
  type: dict
  sample: null
"""

import errno
import fcntl
import json
import os
import stat
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gofer.gofer.plugins.module_utils import _argspec

MAX_LEASE = 4096


def open_lease(module, path):
    directory = os.path.dirname(path)
    try:
        st = os.lstat(directory)
    except OSError as e:
        module.fail_json(msg='path: the directory %s of the lease cannot be read (%s).' % (directory, e.strerror))
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != 0 or st.st_mode & 0o022:
        module.fail_json(msg='path: %s must be a directory of root\'s that no one else can write; the lease there '
                             'decides which run provisions the host.' % directory)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as e:
        module.fail_json(msg='path: the lease %s cannot be opened (%s).' % (path, e.strerror))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != 0:
        os.close(fd)
        module.fail_json(msg='path: %s is not a regular file of root\'s.' % path)
    return fd


def read_lease(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    data = os.read(fd, MAX_LEASE + 1)
    if not data.strip() or len(data) > MAX_LEASE:
        return None
    try:
        lease = json.loads(data.decode('utf-8'))
    except ValueError:
        return None
    if not isinstance(lease, dict) or not isinstance(lease.get('owner'), dict):
        return None
    return lease


def write_lease(fd, lease):
    data = (json.dumps(lease, sort_keys=True) + '\n').encode('utf-8') if lease else b''
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    if data:
        os.write(fd, data)
    os.fsync(fd)


def public(lease):
    if not lease:
        return None
    owner = lease['owner']
    return {'controller': owner.get('controller'), 'pid': owner.get('pid'), 'start': owner.get('start'),
            'boot': owner.get('boot'), 'pidns': owner.get('pidns'), 'since': lease.get('since')}


def main():
    module = AnsibleModule(
        # The documented options, and what the action plugin fills in.
        argument_spec=dict(_argspec.lock_options(), _owner=dict(type='dict', required=True),
                           _take_over=dict(type='dict')),
        supports_check_mode=True,
    )
    p = module.params
    owner, now = p['_owner'], time.time()
    fd = open_lease(module, p['path'])
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held for the read and the write only: the lease outlives this process
        lease = read_lease(fd)
        mine = lease is not None and lease['owner'] == owner
        result = dict(changed=False, waited=0.0, taken_over=None)
        if p['state'] == 'free':
            if mine and not module.check_mode:
                write_lease(fd, None)
            module.exit_json(holder=None if mine else public(lease), **result)
        try:
            expires = float(lease.get('expires') or 0) if lease is not None else 0.0
        except (TypeError, ValueError):
            expires = 0.0  # not a lease this module wrote: taken for expired
        expired = lease is not None and expires < now
        taken_over = lease is not None and not mine and (expired or lease['owner'] == p['_take_over'])
        if lease is not None and not mine and not taken_over:
            module.exit_json(holder=public(lease), busy=True, **result)
        new = {'owner': owner, 'since': lease['since'] if mine else time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
               'expires': now + p['ttl']}
        if not module.check_mode:
            write_lease(fd, new)
        if taken_over:
            result['taken_over'] = public(lease)
        module.exit_json(holder=public(new), busy=False, **result)
    except OSError as e:
        module.fail_json(msg='path: the lease %s could not be %s (%s).'
                             % (p['path'], 'read' if e.errno != errno.ENOSPC else 'written', e.strerror))
    finally:
        os.close(fd)


if __name__ == '__main__':
    main()
