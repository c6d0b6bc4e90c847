#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: server_service_info
short_description: Tell whether the running Gofer started after the files it runs were placed
version_added: 0.5.0
description:
  - Reads the state of a systemd service (by default C(gofer.service)) and, while it is active, when its main
    process started, and returns which of O(paths) were modified after that start. Gofer reads its config, its
    environment files and its binary only when it starts, so a path in RV(placed_after_start) is one the running
    process does not run yet.
  - The role C(gofer.gofer.server) runs it with its service, in place of a status query, and restarts Gofer when
    RV(placed_after_start) is not empty. A run killed after it placed the config, the unit, the environment or
    the binary link and before it restarted Gofer leaves exactly that state; the next run repairs it, although
    none of its own tasks changes a file.
  - The start time comes from systemd (C(ExecMainStartTimestampMonotonic), the monotonic clock in microseconds),
    converted to the wall clock the files' modification times are on. A wall clock stepped after a file changed
    misleads it; stepped back, a file placed before a later start looks placed after it (the role
    then restarts Gofer once per run until the clock passes the file's time); stepped forward, a file placed after
    the start can look older.
options:
  name:
    description:
      - The systemd unit to look at.
    type: str
    default: gofer.service
  paths:
    description:
      - Files to compare with the start of the main process, by their own modification time (a symbolic link's,
        not its target's). A path that does not exist is left out.
    type: list
    elements: path
    default: []
attributes:
  check_mode:
    support: full
    description: The module changes nothing, in check mode or not.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
notes:
  - Needs systemd's C(systemctl) on the target.
seealso:
  - module: ansible.builtin.systemd_service
author:
  - Gofer collection maintainers (@gofer-ansible)
"""

EXAMPLES = r"""
- name: Look at gofer.service and what it runs
  gofer.gofer.server_service_info:
    paths:
      - /etc/gofer/gofer_web.toml
      - /usr/local/bin/gofer
  register: gofer_service

- name: Restart Gofer when something it runs was placed after it started
  ansible.builtin.systemd_service:
    name: gofer.service
    state: restarted
  when: gofer_service.placed_after_start | length > 0
"""

RETURN = r"""
load_state:
  description: systemd's C(LoadState) of the unit, such as C(loaded) or C(not-found).
  returned: always
  type: str
  sample: loaded
active_state:
  description: systemd's C(ActiveState), such as C(active), C(inactive) or C(failed).
  returned: always
  type: str
  sample: active
unit_file_state:
  description: systemd's C(UnitFileState), such as C(enabled) or C(disabled); empty for a unit with no file.
  returned: always
  type: str
  sample: enabled
need_daemon_reload:
  description: Whether the unit's file changed on disk after systemd last loaded it.
  returned: always
  type: bool
  sample: false
main_pid:
  description: The main process of the service, or C(0) when none runs.
  returned: always
  type: int
  sample: 4242
started:
  description: When the main process started, in UTC (ISO 8601, to the microsecond), or null when the service is
    not active.
  returned: always
  type: str
  sample: "2026-12-03T16:12:29.123456Z"
placed_after_start:
  description: The paths of O(paths) modified after the main process started; empty when the service is not active.
  returned: always
  type: list
  elements: str
  sample: [/etc/gofer/gofer_web.toml]
status:
  description: The properties read, as C(systemctl show) gives them, in the form M(ansible.builtin.systemd_service)
    returns as its C(status).
  returned: always
  type: dict
  sample: {ActiveState: active, MainPID: "4242"}
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule

PROPERTIES = ('LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'NeedDaemonReload', 'MainPID',
              'ExecMainStartTimestampMonotonic')


def parse_show(text):
    """KEY=VALUE lines of systemctl show, as a dict."""
    status = {}
    for line in text.splitlines():
        key, sep, value = line.partition('=')
        if sep:
            status[key] = value
    return status


def started_at(status, now_real=None, now_mono=None):
    """The wall-clock time (seconds since the epoch) the main process started, or None when none runs."""
    try:
        mono_us = int(status.get('ExecMainStartTimestampMonotonic') or 0)
    except ValueError:
        return None
    if status.get('ActiveState') != 'active' or mono_us <= 0:
        return None
    now_real = time.time() if now_real is None else now_real
    now_mono = time.clock_gettime(time.CLOCK_MONOTONIC) if now_mono is None else now_mono
    return now_real - (now_mono - mono_us / 1e6)


def placed_after(paths, started):
    """The paths modified after started (a link's own time), in the order given."""
    if started is None:
        return []
    found = []
    for path in paths:
        try:
            if os.lstat(path).st_mtime > started:
                found.append(path)
        except FileNotFoundError:
            continue
    return found


def iso(seconds):
    if seconds is None:
        return None
    whole = int(seconds)
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(whole)) + '.%06dZ' % int(round((seconds - whole) * 1e6) % 1000000)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str', default='gofer.service'),
            paths=dict(type='list', elements='path', default=[]),
        ),
        supports_check_mode=True,
    )
    systemctl = module.get_bin_path('systemctl')
    if systemctl is None:
        module.fail_json(msg='systemctl was not found on the target: %s is a systemd service, and the host must run '
                             'systemd.' % module.params['name'])
    rc, out, err = module.run_command([systemctl, 'show', '--property=' + ','.join(PROPERTIES), '--',
                                       module.params['name']])
    if rc != 0:
        module.fail_json(msg='systemctl show %s failed (exit %d): %s' % (module.params['name'], rc, err.strip()[:300]))
    status = parse_show(out)
    started = started_at(status)
    try:
        pid = int(status.get('MainPID') or 0)
    except ValueError:
        pid = 0
    module.exit_json(
        changed=False,
        load_state=status.get('LoadState', ''),
        active_state=status.get('ActiveState', ''),
        unit_file_state=status.get('UnitFileState', ''),
        need_daemon_reload=status.get('NeedDaemonReload') == 'yes',
        main_pid=pid,
        started=iso(started),
        placed_after_start=placed_after(module.params['paths'], started),
        status=status,
    )


if __name__ == '__main__':
    main()
