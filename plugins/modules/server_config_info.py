#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: server_config_info
short_description: Read the Gofer server config on a host, validated and with its secrets masked
version_added: 0.3.0
description:
  - Reads the Gofer server config at O(dest) on the target, parses it and validates it on the controller against the
    schema of the Gofer release in O(gofer_version), the same validation M(gofer.gofer.server_config) runs before it
    places a config. Nothing on the target is changed.
  - Returns the parsed config with every value under C([secret_store]) (but its engine and path) masked as
    C(********), the findings, the owner and mode of the file and of every path the config names (the directories
    of the sqlite stores, the task logs and the object store directory, the TLS files), and the Gofer release the
    config was placed for when M(gofer.gofer.server_config) recorded it.
  - Use it to assert on a placed config in tests (molecule verify), on hosts whose Python has no C(tomllib) too (the
    config is parsed on the controller), and to audit a fleet, run across an inventory, for configs Gofer misreads.
  - The target needs only Python 3.9 or later and its standard library. The module runs twice per host when the
    config exists, the second time to read the paths the parsed config names.
options:
  dest:
    description:
      - Path of the config on the target.
    type: path
    default: /etc/gofer/gofer_web.toml
  _paths:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in with the paths the parsed config
        names, and refuses it in a task.
    type: list
    elements: str
attributes:
  check_mode:
    support: full
    description: The module changes nothing, in check mode or not.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - gofer.gofer.config
  - ansible.builtin.action_common_attributes
seealso:
  - module: gofer.gofer.server_config
author:
  - Gofer collection maintainers (@gofer-ansible)
"""

EXAMPLES = r"""
- name: Read the placed config
  gofer.gofer.server_config_info:
    gofer_version: "0.9.1"
  register: gofer_config

- name: The config sets what the site expects, and Gofer reads it as written
  ansible.builtin.assert:
    that:
      - gofer_config.valid
      - gofer_config.config.api.log_level == 'warn'
      - gofer_config.file.mode == '0640'

- name: Audit a fleet for configs Gofer would misread (nothing is changed)
  gofer.gofer.server_config_info:
    gofer_version: "{{ gofer_version }}"
  register: audit
  failed_when: not audit.valid
"""

RETURN = r"""
exists:
  description: Whether O(dest) exists as a regular file.
  returned: always
  type: bool
  sample: true
dest:
  description: O(dest).
  returned: always
  type: str
  sample: /etc/gofer/gofer_web.toml
config:
  description:
    - The parsed config, every value under C([secret_store]) but its engine and path masked as C(********), and the
      values in O(secret_values) masked wherever they appear. TOML dates and times are strings.
    - V(null) when the file does not exist or is not TOML.
  returned: always
  type: dict
  sample: {api: {log_level: info}, secret_store: {sqlite: {encryption_key: "********"}}}
valid:
  description: Whether the config exists, parses, and has no validation error for O(gofer_version).
  returned: always
  type: bool
  sample: true
findings:
  description: The validation errors and warnings, each naming the key, as M(gofer.gofer.server_config) returns them.
  returned: always
  type: list
  elements: dict
  contains:
    level:
      description: V(error) or V(warning).
      type: str
    key:
      description: Dotted key path in the config.
      type: str
    message:
      description: What was found, what Gofer does with it, and the fix.
      type: str
file:
  description:
    - Owner, group and mode of the config file, whether it is a symbolic link (it is not followed), and its type
      (V(file), V(directory), V(link) or V(other), such as a named pipe).
    - A file that is not a regular file, is larger than 1 MiB or is not UTF-8 text is not parsed; a finding on
      C(dest) says which.
  returned: when O(dest) exists
  type: dict
  sample: {owner: root, group: gofer, mode: "0640", size: 1423, is_link: false, type: file}
paths:
  description:
    - Every path the config names that Gofer uses, with the config keys that name it, whether it exists, its type,
      owner, group and mode. For a sqlite store it is the store's directory; the file itself is listed too.
  returned: when the config parses
  type: list
  elements: dict
  sample:
    - {path: /var/lib/gofer, keys: [server.storage_path], exists: true, type: directory, owner: gofer, group: gofer,
       mode: "0750"}
recorded_version:
  description: The Gofer release recorded beside the config by M(gofer.gofer.server_config), V(null) when none is.
  returned: always
  type: str
  sample: 0.9.1
"""

import grp
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gofer.gofer.plugins.module_utils import _argspec
from ansible_collections.gofer.gofer.plugins.module_utils import _keyguard
from ansible_collections.gofer.gofer.plugins.module_utils import _placed


def describe(path):
    """Type, owner, group and mode of path, not followed through a link."""
    try:
        st = os.lstat(path)
    except OSError:
        return {'path': path, 'exists': False}
    kind = ('link' if stat.S_ISLNK(st.st_mode) else 'directory' if stat.S_ISDIR(st.st_mode)
            else 'file' if stat.S_ISREG(st.st_mode) else 'other')
    try:
        owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        owner = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return {'path': path, 'exists': True, 'type': kind, 'owner': owner, 'group': group,
            'mode': '%04o' % stat.S_IMODE(st.st_mode), 'size': st.st_size}


def read_config(dest):
    """(text, file description, problem) of the config, never read through a link, never blocking on it."""
    info = describe(dest)
    if not info['exists']:
        return None, info, None
    read = _placed.read(dest)
    return read['text'] if read['problem'] is None else None, info, read['problem']


def main():
    module = AnsibleModule(
        argument_spec=dict(_argspec.info_options(), _paths=dict(type='list', elements='str')),
        supports_check_mode=True,
    )
    dest = module.params['dest']
    record = _keyguard.read(_keyguard.record_path(dest))
    result = {'changed': False, 'dest': dest,
              'recorded_version': record[_keyguard.VERSION_FIELD] if record else None}
    if module.params['_paths'] is not None:
        result['paths'] = [describe(path) for path in module.params['_paths']]
        module.exit_json(**result)
    text, info, problem = read_config(dest)
    result['exists'] = info.get('type') == 'file'
    if info['exists']:
        result['file'] = {'owner': info['owner'], 'group': info['group'], 'mode': info['mode'],
                          'size': info['size'], 'is_link': info['type'] == 'link', 'type': info['type']}
    if problem is not None:
        # The action reports it as a finding on dest, as it does a missing file.
        result['_gofer_config_problem'] = problem
    if text is not None:
        # Parsed and masked on the controller (Python before 3.11 has no TOML parser); the action never returns it.
        result['_gofer_config_text'] = text
    module.exit_json(**result)


if __name__ == '__main__':
    main()
