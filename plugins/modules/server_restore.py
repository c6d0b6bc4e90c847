#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: server_restore
short_description: Put back the config, its record and the database a change of Gofer release replaced
version_added: 0.6.0
description:
  - Restores a snapshot that gofer.gofer.server_config took before it placed a config for another release
    (its O(gofer.gofer.server_config#module:snapshot_dir) option). It puts back the config file and the module's
    record beside it (the release it was placed for and the encryption key's digest), with their owners and modes,
    and the main database.
  - The database is written in place with sqlite's online backup API, so the file keeps its inode and the root
    token the role holds for it stays bound to it. After an accepted database reset, the database that was moved
    aside is moved back instead (the one the new release created is moved to C(<name>.failed-<release>.<UTC time>)
    beside it, never deleted), and the copy in the snapshot is used only when the moved database is gone.
  - Stop Gofer first; a running Gofer holds the database. The role C(gofer.gofer.server) runs this in its rollback
    of a release that does not come up, after stopping C(gofer.service) and before pointing the binary back.
  - Every sqlite call on the database runs as O(service_user), the owner of its directory, so a link the account
    planted there reaches only what it can write. The snapshot itself must be root's, mode C(0700), on a path of
    directories that are root's and writable by no one else.
options:
  snapshot:
    description:
      - The snapshot's directory, as gofer.gofer.server_config returned it in RV(gofer.gofer.server_config#module:snapshot.path).
    type: path
    required: true
  service_user:
    description:
      - The user Gofer runs as, which owns the database's directory.
    type: str
    default: gofer
attributes:
  check_mode:
    support: full
    description: Says what would be restored and changes nothing.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
notes:
  - Needs root on the target (become).
seealso:
  - module: gofer.gofer.server_config
author:
  - Gofer collection maintainers (@gofer-ansible)
"""

EXAMPLES = r"""
- name: Place the config for 0.7.3, keeping a snapshot of what it replaces
  gofer.gofer.server_config:
    src: gofer_web.toml
    gofer_version: 0.7.3
    snapshot_dir: /var/backups/gofer
  register: placed

- name: Stop Gofer before its data is put back
  ansible.builtin.systemd_service:
    name: gofer.service
    state: stopped
  when: placed.snapshot is defined

- name: Put back what the change of release replaced
  gofer.gofer.server_restore:
    snapshot: "{{ placed.snapshot.path }}"
  when: placed.snapshot is defined
"""

RETURN = r"""
restored:
  description: The paths put back (or that would be), in this order; the config and the record only when they differed.
  returned: success
  type: list
  elements: str
  sample: [/etc/gofer/gofer_web.toml, /etc/gofer/.gofer_web.toml.keyguard, /var/lib/gofer/gofer.db]
moved:
  description: The database files moved, after an accepted reset, each as C(from) and C(to).
  returned: success
  type: list
  elements: dict
  sample: [{from: /var/lib/gofer/gofer.db, to: /var/lib/gofer/gofer.db.failed-0.7.3.20261204T120500Z},
           {from: /var/lib/gofer/gofer.db.before-0.7.3.20261204T120000Z, to: /var/lib/gofer/gofer.db}]
from_version:
  description: The release the restored config was placed for.
  returned: success
  type: str
  sample: 0.7.2
to_version:
  description: The release whose change the snapshot was taken before.
  returned: success
  type: str
  sample: 0.7.3
"""

import os
import pwd

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gofer.gofer.plugins.module_utils import _placed
from ansible_collections.gofer.gofer.plugins.module_utils import _snapshot

LOCK_TIMEOUT = 120


def main():
    module = AnsibleModule(
        argument_spec=dict(snapshot=dict(type='path', required=True), service_user=dict(type='str', default='gofer')),
        supports_check_mode=True,
    )
    path = module.params['snapshot']
    try:
        user = pwd.getpwnam(module.params['service_user'])
    except KeyError:
        module.fail_json(msg='service_user "%s" does not exist on the target; nothing was restored.'
                             % module.params['service_user'])
    try:
        manifest = _snapshot.read(path)
    except _snapshot.SnapshotError as e:
        module.fail_json(msg='snapshot: %s Nothing was restored.' % e)
    # The lock gofer.gofer.server_config takes on the config's directory: one of them at a time.
    directory = os.path.dirname(manifest['config']['path']) if manifest['config'] else None
    try:
        held = _placed.lock_directory(directory, LOCK_TIMEOUT) if directory else None
    except TimeoutError:
        module.fail_json(msg='Another run of gofer.gofer.server_config has held the lock on %s for %s s; nothing '
                             'was restored.' % (directory, LOCK_TIMEOUT))
    try:
        result = _snapshot.restore(path, user, check=module.check_mode)
    except _snapshot.SnapshotError as e:
        module.fail_json(msg='snapshot: restoring %s failed: %s' % (path, e))
    finally:
        if held is not None:
            os.close(held)
    module.exit_json(changed=result['changed'], restored=result['restored'], moved=result['moved'],
                     from_version=manifest['from_version'], to_version=manifest['to_version'])


if __name__ == '__main__':
    main()
