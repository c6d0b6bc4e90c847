#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: server_token
short_description: Claim Gofer's root management token (the bootstrap token) and keep it root-only on the host
version_added: 0.4.0
description:
  - Gofer gives its root management token to the first caller of C(POST /api/tokens/bootstrap), which needs no
    token, and answers C(409) to every later call; nothing in its config can pre-seed or disable it. Whoever
    reaches the API first after the first start owns the server. This module claims it and keeps the secret in a
    file only root can read, bound to the main database it was claimed for.
  - The saved token counts as held only while the main database at O(database) is the same file (device and
    inode, and the inode's generation where the filesystem has one, as ext4, xfs and btrfs do) it was claimed for. Without
    the generation, a database removed and created again while Gofer runs often gets the same inode number and
    counts as held. A database moved aside or removed takes the token with it; the old file is kept
    as C(<path>.before-<UTC time>) (with C(.1), C(.2)... within one second) when the module claims again.
  - The role C(gofer.gofer.server) runs it with its service; to claim with no window, it first starts Gofer bound
    to loopback and calls this module with the loopback O(url).
  - Run the task with C(no_log), as the role does; the result holds the token.
options:
  path:
    description:
      - The token file on the target, in a directory that only root can write (not one of Gofer's data directories,
        which the service account owns). Written with mode C(0600), owner root, atomically.
    type: path
    required: true
  database:
    description:
      - C(server.storage_path), Gofer's main database, which holds the claim.
    type: path
    required: true
  bootstrap:
    description:
      - V(never) only reads the saved token.
      - V(unless_held) posts the bootstrap request when no token is held for the database; C(201) saves it
        (RV(state=claimed)), C(409) means another caller holds it (RV(state=claimed_elsewhere)).
      - V(verify) also checks a held token, for Gofer releases where deleting every management token reopens the
        endpoint (v0.7). C(GET /api/tokens/whoami) with the token answers C(200) while it is valid (so a management
        token exists and the endpoint stays closed); when it answers C(401), the module posts the bootstrap request
        as with V(unless_held).
    type: str
    choices: [never, unless_held, verify]
    default: never
  url:
    description:
      - Base URL of Gofer's API, such as V(http://127.0.0.1:8080). Required unless O(bootstrap=never).
    type: str
  token:
    description:
      - A root token the operator holds for this database (claimed before this module ran, or a management token
        that replaces it after a rotation). It is saved as the held token, bound to the database, without a
        request; the file it replaces is kept as C(<path>.before-<UTC time>).
      - Letters, digits and C(. _ + / = -) only, as Gofer gives out; the token file is sourced by a root shell. A
        C(201) whose secret has any other character fails the same way.
      - Not masked by Ansible (that would mask RV(token) too); the task runs with C(no_log) anyway.
    type: str
  reset_database:
    description:
      - Move the main database and its C(-wal), C(-shm) and C(-journal) files aside, to C(<file>.unclaimed-<UTC time>),
        before anything else, all of them or none; a name that exists already at a target fails before anything moves.
        A database whose token is held is left in place. The role sets it only for a database that never served
        beyond loopback and whose claim was lost (a run interrupted between the claim and the save). Gofer must be
        stopped.
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait for Gofer's answer.
    type: int
    default: 10
  listener_service:
    description:
      - A systemd unit, such as V(gofer.service). Before the module sends the bootstrap request or the held token to
        O(url), every socket listening there (on that address or a wildcard, IPv4 and IPv6) must have been opened by
        the user the unit's main process runs as. A local user who bound Gofer's port first would otherwise answer
        the bootstrap request with a token of its own (and Gofer, unclaimed, would serve once it gets the port), or
        be handed the root token by O(bootstrap=verify).
      - The check reads C(/proc/net/tcp), C(/proc/net/tcp6) and C(/proc/<main process>/status), in the module's
        network namespace (the host's, where the role runs Gofer). It is by user, not by process, because which
        process holds a socket can be read only with C(CAP_SYS_PTRACE), which root lacks in a container. When it
        fails, nothing is sent and the task fails naming the port.
      - Omit it to send without the check.
    type: str
  loopback_marker:
    description:
      - The role's environment file that binds Gofer to loopback until the token is saved. Its presence is reported as
        RV(loopback_phase); once a token is held or claimed for the database, the module removes it
        (RV(marker_removed)), so that Gofer can be restarted on the configured addresses.
    type: path
attributes:
  check_mode:
    support: full
    description: In check mode no request is made and nothing is written; RV(state) says what is held.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
seealso:
  - module: gofer.gofer.server_config
author:
  - Gofer collection maintainers (@gofer-ansible)
"""

EXAMPLES = r"""
- name: Claim the root token of a Gofer that listens only on loopback
  gofer.gofer.server_token:
    path: /etc/gofer/bootstrap.token
    database: /var/lib/gofer/gofer.db
    bootstrap: unless_held
    url: http://127.0.0.1:8080
  register: gofer_token
  no_log: true

- name: Use it
  ansible.builtin.uri:
    url: http://127.0.0.1:8080/api/tokens/whoami
    headers:
      gofer-api-version: v0
      Authorization: "Bearer {{ gofer_token.token }}"
  no_log: true
"""

RETURN = r"""
state:
  description:
    - V(held) (a saved token for this database), V(claimed) (claimed now), V(claimed_elsewhere) (Gofer answered
      C(409) and no token is held here), V(none) (no token held and no request made), V(unbound) (a failure, Gofer
      handed out its token but the main database was not found; the token is saved in O(path), bound to none).
  returned: always
  type: str
token:
  description: The root token, when RV(state) is V(held) or V(claimed). Run the task with C(no_log).
  returned: when held or claimed
  type: str
database_exists:
  description: Whether the main database exists.
  returned: always
  type: bool
listener_checked:
  description: Whether the sockets O(url) reaches were found to be those of the user of O(listener_service)'s main
    process, before the request was sent.
  returned: when O(listener_service) is set and a request was sent
  type: bool
loopback_phase:
  description: Whether O(loopback_marker) exists (after the module ran).
  returned: always
  type: bool
marker_removed:
  description: Whether the module removed O(loopback_marker) because a token is held for the database.
  returned: always
  type: bool
revoked:
  description: With O(bootstrap=verify), whether Gofer no longer knew the saved token (C(401) from C(whoami)).
  returned: when a held token was verified
  type: bool
moved:
  description: The files O(reset_database) moved aside, as C({from, to}).
  returned: always
  type: list
  elements: dict
"""

import fcntl
import json
import os
import re
import stat
import struct
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError

from ansible_collections.gofer.gofer.plugins.module_utils import _aside, _listener, _placed, _schema

PREFIX = 'GOFER_TOKEN='
# _IOR('v', 1, long): the inode's generation number.
FS_IOC_GETVERSION = (2 << 30) | (struct.calcsize('l') << 16) | (ord('v') << 8) | 1
# The token file is shell-style and root sources it (docs/provisioning.md): a value must be inert there. Gofer's
# secrets are 32 letters and digits; anything a shell would expand (whatever answers on the port chooses it) is refused.
TOKEN_CHARS = re.compile(r'\A[A-Za-z0-9._+/=-]{1,1024}\Z')


def identity(path):
    """(device, inode, generation) of what is at path, not following a link, or None. The generation (ext4, xfs,
    btrfs: FS_IOC_GETVERSION) tells a new file from a removed one whose inode number it reuses; None where the
    filesystem has none."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, generation(path, st))


def generation(path, st):
    if not stat.S_ISREG(st.st_mode):
        return None
    try:
        fd = _placed.open_nofollow(path)
    except OSError:
        return None
    try:
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino) or not stat.S_ISREG(now.st_mode):
            return None
        buf = fcntl.ioctl(fd, FS_IOC_GETVERSION, b'\0' * struct.calcsize('l'))
        return struct.unpack('I', buf[:4])[0]
    except OSError:
        return None
    finally:
        os.close(fd)


def bound(saved, ident):
    """Whether the saved token is bound to the database at ident: same device and inode, and the same generation
    where both are known (a file saved before generations were recorded has none)."""
    if saved is None or ident is None or (saved.get('device'), saved.get('inode')) != ident[:2]:
        return False
    return saved.get('generation') is None or ident[2] is None or saved['generation'] == ident[2]


def read_saved(module, path):
    """{'token', 'device', 'inode'} from the token file, or None when there is none."""
    try:
        fd = _placed.open_nofollow(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        module.fail_json(msg='path: %s cannot be opened (%s); it must be a regular file only root can read, not a '
                             'link.' % (path, e.strerror), state='none')
    with os.fdopen(fd, 'rb') as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
            module.fail_json(msg='path: %s is not a regular file of %s with mode 0600 (found mode %04o, uid %d); the '
                                 'root token must not be readable by others. Fix or remove it.'
                                 % (path, 'root' if os.geteuid() == 0 else 'this user', st.st_mode & 0o7777,
                                    st.st_uid), state='none')
        text = f.read(65536).decode('utf-8', 'replace')
    saved = {}
    for line in text.splitlines():
        if line.startswith(PREFIX):
            saved['token'] = line[len(PREFIX):].strip()
        elif line.startswith('# database='):
            for field in line[2:].split():
                name, _sep, value = field.partition('=')
                if name in ('device', 'inode', 'generation') and value.isdigit():
                    saved[name] = int(value)
    return saved if saved.get('token') else None


def check_directory(module, path):
    directory = os.path.dirname(path) or '.'
    try:
        st = os.stat(directory)
    except OSError as e:
        module.fail_json(msg='path: the directory %s of the token file cannot be used (%s).' % (directory, e.strerror),
                         state='none')
    if st.st_uid != os.geteuid() or st.st_mode & 0o022:
        module.fail_json(msg='path: the directory %s of the token file is writable by another user (owner uid %d, '
                             'mode %04o); keep the root token in a directory only root can write, such as the '
                             'config\'s, not in one of Gofer\'s data directories.'
                             % (directory, st.st_uid, st.st_mode & 0o7777), state='none')


def save(module, path, token, database, ident):
    """Write the token file atomically: a 0600 temporary file in the same directory, fsync, rename, fsync."""
    check_directory(module, path)
    directory = os.path.dirname(path) or '.'
    now = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    if ident is None:  # a claim whose database was not found: kept, and never taken as held
        binding = '# database=%s (not found when claimed: bound to none)' % database.replace('\n', ' ')
    else:
        binding = '# database=%s device=%d inode=%d%s' % (
            database.replace('\n', ' '), ident[0], ident[1], '' if ident[2] is None else ' generation=%d' % ident[2])
    text = ('# Gofer\'s root management token, saved by gofer.gofer at %s for the main database below.\n%s\n%s%s\n'
            % (now, binding, PREFIX, token))
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=directory)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode('utf-8'))
        os.fsync(fd)
        os.close(fd)
        if os.path.lexists(path):
            keep_before(path)
        # The token file is replaced in one rename: a run killed at any point leaves the old or the new one there.
        os.rename(tmp, path)
    except OSError as e:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        module.fail_json(msg='path: could not write %s: %s.' % (path, e.strerror), state='none')
    _placed.fsync_directory(directory)


def keep_before(path):
    """Hard-link the held file as <path>.before-<UTC time>[.N], never over an earlier one."""
    stamp = '%s.before-%s' % (path, time.strftime('%Y%m%dT%H%M%SZ', time.gmtime()))
    for n in range(1000):
        try:
            os.link(path, stamp if n == 0 else '%s.%d' % (stamp, n), follow_symlinks=False)
            return
        except FileExistsError:
            continue
    raise OSError(17, 'no free name for %s' % stamp)


def move_database_aside(module, database):
    """Move the database and its journal files to <file>.unclaimed-<UTC time>, all or none, never over an existing
    name (gofer.gofer's _aside)."""
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    try:
        return _aside.move(database, '%s.unclaimed-%s' % (database, stamp))
    except _aside.MoveError as e:
        module.fail_json(msg='reset_database: %s' % e, moved=[], state='none')


def post_bootstrap(module, url, timeout):
    """(status, secret or None): Gofer's answer to POST /api/tokens/bootstrap."""
    try:
        response = open_url(url.rstrip('/') + '/api/tokens/bootstrap', method='POST', data=b'',
                            headers=dict(_schema.API_HEADERS), validate_certs=False, timeout=timeout)
        status, body = response.getcode(), response.read(65536)
    except HTTPError as e:
        status, body = e.code, e.read(4096)
    except (URLError, OSError) as e:
        module.fail_json(msg='POST %s/api/tokens/bootstrap: no answer (%s).' % (url.rstrip('/'), e), state='none')
    if status != 201:
        return status, None, body
    try:
        secret = json.loads(body.decode('utf-8'))['secret']
    except (ValueError, KeyError, TypeError):
        secret = None
    if not isinstance(secret, str) or not TOKEN_CHARS.match(secret):
        module.fail_json(msg='Gofer answered 201 to the bootstrap request without a usable "secret" field; it is not '
                             'the Gofer this collection knows.', state='none')
    return status, secret, body


def check_listener(module, result):
    """Fail, sending nothing, unless every socket url may reach is of the user of listener_service's main process."""
    service = module.params['listener_service']
    if not service:
        return
    try:
        host, port = _listener.host_port(module.params['url'])
    except ValueError as e:  # urlsplit's port: not a number, or out of range
        module.fail_json(msg='url: %s has no valid port (%s); nothing was sent.' % (module.params['url'], e),
                         state='none', **result)
    systemctl = module.get_bin_path('systemctl') or 'systemctl'
    rc, out, err = module.run_command([systemctl, 'show', '--property=MainPID', '--value', '--', service])
    pid = int(out.strip()) if rc == 0 and out.strip().isdigit() else 0
    problem = ('%s has no main process (%s)' % (service, (err.strip() or 'not running')[:200]) if pid == 0
               else _listener.check(host, port, pid))
    if problem:
        module.fail_json(msg='listener_service: nothing was sent to %s: %s (%s\'s main process is %d). Another '
                             'local process may have bound the port before Gofer; find it with "ss -ltnp sport = :%d".'
                             % (module.params['url'], problem, service, pid, port), state='none', **result)
    result['listener_checked'] = True


def token_valid(module, url, token, timeout):
    """Whether Gofer still knows the token: GET /api/tokens/whoami answers 200, or 401 once it is deleted."""
    try:
        response = open_url(url.rstrip('/') + '/api/tokens/whoami', method='GET', validate_certs=False,
                            headers=dict(_schema.API_HEADERS, Authorization='Bearer ' + token), timeout=timeout)
        status = response.getcode()
    except HTTPError as e:
        status = e.code
    except (URLError, OSError) as e:
        module.fail_json(msg='GET %s/api/tokens/whoami: no answer (%s).' % (url.rstrip('/'), e), state='none')
    if status not in (200, 401):
        module.fail_json(msg='GET %s/api/tokens/whoami with the saved root token: Gofer answered %d, neither 200 '
                             '(valid) nor 401 (deleted).' % (url.rstrip('/'), status), state='none')
    return status == 200


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            database=dict(type='path', required=True),
            bootstrap=dict(type='str', choices=['never', 'unless_held', 'verify'], default='never'),
            url=dict(type='str'),
            # Not no_log: Ansible would then mask the value in the result too, and the result hands the held token
            # to the role (gofer_server_token). The task runs with no_log, as the result holds the token anyway.
            token=dict(type='str', no_log=False),
            reset_database=dict(type='bool', default=False),
            timeout=dict(type='int', default=10),
            loopback_marker=dict(type='path'),
            listener_service=dict(type='str'),
        ),
        required_if=[('bootstrap', 'unless_held', ['url']), ('bootstrap', 'verify', ['url'])],
        supports_check_mode=True,
    )
    p = module.params
    path, database = p['path'], os.path.normpath(p['database'])
    result = dict(changed=False, moved=[], loopback_phase=bool(p['loopback_marker'])
                  and os.path.lexists(p['loopback_marker']))
    saved = read_saved(module, path)
    ident = identity(database)
    held = bound(saved, ident)
    # A database whose token is held is never moved aside (a concurrent run saved it after our 409).
    if p['reset_database'] and not held and not module.check_mode:
        result['moved'] = move_database_aside(module, database)
        result['changed'] = bool(result['moved'])
        ident = identity(database)
        held = False
    result['database_exists'] = ident is not None
    if p['token'] and not TOKEN_CHARS.match(p['token']):
        module.fail_json(msg='token: not a Gofer token (letters, digits and . _ + / = - only); the token file is '
                             'read by a root shell, so nothing else is written to it.', state='none', **result)
    if p['token'] and not (held and saved['token'] == p['token']):
        if ident is None:
            module.fail_json(msg='token: there is no main database at %s to bind it to; start Gofer first.'
                                 % database, state='none', **result)
        if not module.check_mode:
            save(module, path, p['token'], database, ident)
        finish(module, result, 'held', p['token'], changed=True)
    if held and p['bootstrap'] == 'verify' and not module.check_mode:
        check_listener(module, result)
        held = token_valid(module, p['url'], saved['token'], p['timeout'])
        result['revoked'] = not held
    if held or p['bootstrap'] == 'never' or module.check_mode:
        finish(module, result, 'held' if held else 'none', saved['token'] if held else None)
    if not result.get('listener_checked'):
        check_listener(module, result)
    status, secret, body = post_bootstrap(module, p['url'], p['timeout'])
    if status == 409:
        # A concurrent run may have claimed it and saved the token since we read the file.
        saved = read_saved(module, path)
        if bound(saved, ident):
            finish(module, result, 'held', saved['token'])
        finish(module, result, 'claimed_elsewhere', None)
    if secret is None:
        module.fail_json(msg='POST %s/api/tokens/bootstrap: Gofer answered %d (%s).'
                             % (p['url'].rstrip('/'), status, body[:200].decode('utf-8', 'replace')), state='none',
                         **result)
    if ident is None:
        ident = identity(database)
    # Gofer hands out its root token once: it is saved whatever follows, so the server is never claimed with it lost.
    save(module, path, secret, database, ident)
    result['changed'] = True
    if ident is None:
        module.fail_json(msg='Gofer answered the bootstrap request, but its main database %s does not exist: '
                             'server.storage_path is not the database this Gofer uses. Its root token is saved in '
                             '%s, bound to no database: fix server.storage_path and give that token as '
                             'gofer_bootstrap_token.' % (database, path), state='unbound', **result)
    finish(module, result, 'claimed', secret, changed=True)


def finish(module, result, state, token, changed=False):
    """Exit with the state; with a token held, the loopback marker has done its work and goes."""
    result = dict(result, state=state, changed=result['changed'] or changed, marker_removed=False)
    if token is not None:
        result['token'] = token
        marker = module.params['loopback_marker']
        if marker and result['loopback_phase'] and not module.check_mode:
            os.unlink(marker)
            result.update(loopback_phase=False, marker_removed=True, changed=True)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
