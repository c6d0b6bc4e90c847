#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: server_config
short_description: Validate a Gofer server config and place it with its directories and TLS files
version_added: 0.1.0
description:
  - Validates the Gofer server configuration (C(/etc/gofer/gofer_web.toml)) on the controller against the exact
    schema of the Gofer release in O(gofer_version), then places it on the target in one module execution, together with the
    directories Gofer needs and the TLS certificate and key files the config names.
  - Validation runs on the B(effective) configuration, Gofer's built-in defaults merged with the file, the way Gofer
    merges them. A key left out inherits Gofer's default, and some defaults are insecure
    (C(development.bypass_auth = true)).
  - Validation catches what Gofer itself ignores or dies on. Unknown and misspelled keys and the upstream page's wrong
    names (with the real name to use), wrong types (Gofer converts nothing; C("5m") where seconds are expected),
    enum case, host names in bind addresses, a colliding external events address, an encryption key that is not
    exactly 32 bytes or is the public default, Docker timeouts shorter than stop timeouts, zero prune intervals,
    insecure development settings, TLS settings Gofer does not honour, sqlite paths Gofer cannot open, and keys
    that the selected release does not read although another one does (naming the release that reads them).
  - Any validation error fails the task on the controller, before the target is touched. Warnings are shown and
    returned in RV(findings).
  - On the target the config is written atomically (a temporary file in the same directory, given its final owner
    and mode, then renamed), so Gofer never reads a half-written or world-readable file.
  - Missing parent directories of C(server.storage_path), C(secret_store.sqlite.path) and C(object_store.sqlite.path)
    (up to v0.8), the C(api.task_execution_logs_dir) directory and the C(object_store.filesystem.path) directory
    (from v0.9), are created owned by O(service_user) and O(service_group) with
    mode C(0750), because Gofer panics when a sqlite parent directory is missing and loses task logs when the log
    directory is missing. Existing directories are never re-owned (they may be shared, such as C(/tmp)); the module
    warns when the service user cannot write to one.
  - When the config on the host was placed for another Gofer release, each step of the migration that applies is
    reported as a warning (renamed keys whose value does not carry over, changed defaults, settings one release
    ignores and the other honours, the object store's move from sqlite to files, whose objects are not migrated).
  - A change of release across one that rewrote Gofer's main database schema (v0.7.3, v0.8.0, v0.8.1, v0.9.0) while
    the database C(server.storage_path) exists is refused, because the new server panics on the old database; see
    O(accept_database_reset).
  - The target needs only Python 3.9 or later and its standard library.
options:
  content:
    description:
      - The TOML text of the Gofer server config.
      - Mutually exclusive with O(src). One of the two is required.
      - It holds the secret store encryption key, so it is never logged.
    type: str
  src:
    description:
      - Path of a TOML file on the controller, searched like the C(src) of M(ansible.builtin.copy) (the role's or
        playbook's C(files/) directory first).
      - The file is read as it is, not templated; render templates with the P(ansible.builtin.template#lookup)
        lookup into O(content).
      - Mutually exclusive with O(content).
    type: path
  dest:
    description:
      - Where to place the config on the target.
      - Gofer v0.7 reads only C(/etc/gofer/gofer_web.toml), with no flag or variable to change it; another path is
        only useful for staging and tests.
    type: path
    default: /etc/gofer/gofer_web.toml
  service_user:
    description:
      - The system user the Gofer server runs as. It owns the data directories and the TLS files placed here.
      - Must exist on the target; in check mode a missing user is a warning, so that a play that creates the user
        in an earlier task can be checked on a fresh host.
    type: str
    default: gofer
  service_group:
    description:
      - The group of the Gofer service. It owns the data directories and TLS files and is the default group of the
        config file, so that the service can read the config.
    type: str
    default: gofer
  tls_src:
    description:
      - Certificate and key files on the controller to place at the paths the config names, for the TLS settings
        Gofer v0.7 actually reads.
      - The key must be a PKCS#8 PEM key (C(-----BEGIN PRIVATE KEY-----)), the only form Gofer's TLS loader reads.
        The certificate and key must match. An expired certificate gives a warning.
      - A source given for a path that Gofer does not read with this config is refused, with the reason.
      - When Gofer reads a certificate or key path and no source is given here, the file must already exist on the
        target (for example placed by another tool); otherwise the task fails before anything is changed.
      - Certificates are placed with mode C(0644), keys with C(0600), both owned by O(service_user) and
        O(service_group).
    type: dict
    suboptions:
      external_events:
        description:
          - Sources for C(external_events.tls_cert_path) and C(external_events.tls_key_path).
          - Gofer reads them only when C(server.use_tls = true) and C(external_events.use_tls = false).
        type: dict
        suboptions:
          cert:
            description: PEM certificate chain on the controller.
            type: path
          key:
            description: PKCS#8 PEM private key on the controller.
            type: path
      extensions:
        description:
          - Sources for C(extensions.tls_cert_path) and C(extensions.tls_key_path).
          - Gofer reads them only when C(extensions.use_tls = true) and C(development.use_included_certs = false).
        type: dict
        suboptions:
          cert:
            description: PEM certificate chain on the controller.
            type: path
          key:
            description: PKCS#8 PEM private key on the controller.
            type: path
  backup:
    description:
      - Keep a copy of the previous config beside it, named after it with a timestamp, before replacing it.
      - The backup gets the new file's owner and group, and at most its mode, so that an old world-readable file
        does not stay readable as a backup.
    type: bool
    default: false
  accept_secret_store_data_loss:
    description:
      - Gofer encrypts every stored secret with C(secret_store.sqlite.encryption_key) and cannot decrypt them with
        another key. While the secret store database exists, a different key is refused, in check mode too.
      - The key it was written with is recognised by a record the module keeps beside the config, in root's
        directory (C(.<dest name>.keyguard), mode C(0600)). It holds a salted PBKDF2 digest of the key, bound to the sha256
        of the config it was placed with and to the real path of the database. A record that is missing, not
        root's own, malformed or stale (the config on disk is not the one it was written with) is not trusted;
        the key in the config on the host is then read as TOML on the controller (any form TOML allows). A secret
        store path through links or C(..) is resolved on the target.
      - Set V(true) to replace the key anyway, knowing that every secret in the existing database becomes
        unreadable.
    type: bool
    default: false
  accept_database_reset:
    description:
      - Gofer's main database (C(server.storage_path)) has one migration, which Gofer v0.7.3, v0.8.0, v0.8.1 and
        v0.9.0 each rewrote in place. A server of a release on the other side of such a rewrite panics at start-up on
        the old database (C(VersionMismatch)). So when the release recorded for the config on the host and
        O(gofer_version) lie on two sides of a rewrite (an upgrade or a downgrade) and the database exists, the task
        fails before anything is changed, naming the releases and the choices.
      - Set V(true) to reset it. The database and its C(-wal), C(-shm) and C(-journal) files are moved to
        C(<name>.before-<gofer_version>.<UTC timestamp>) beside it (never deleted), and Gofer starts with a new one.
        Pipelines, runs and the records of stored secrets are then gone from Gofer's view. The secret store file
        and its key are kept.
      - They move all together or not at all, the journal files first, and never over a name that exists (the
        service account, which owns the directory, could plant one); the task then fails naming it, with nothing
        moved.
      - Without a recorded release (a config placed by hand or by gofer.gofer before 0.3.0) nothing is refused; the
        release is recorded from this run on.
    type: bool
    default: false
  snapshot_dir:
    description:
      - Where to keep a snapshot of what a change of release replaces, for the rollback of a release that does not
        come up (gofer.gofer.server_restore puts it back). Unset, no snapshot is taken.
      - When the release recorded for the config on the host differs from O(gofer_version), the task first copies
        the config, the module's record beside it and the main database (C(server.storage_path)) into a new directory
        C(<snapshot_dir>/<UTC time>-<recorded release>-to-<gofer_version>), before anything else is changed, and
        returns it in RV(snapshot). The database is copied with sqlite's online backup API, which is consistent while
        Gofer writes to it; the copy runs as O(service_user), so a link planted in the data directory reaches only
        what that account can read.
      - The directory and every directory above it must be root's and writable by no one else (a snapshot holds the
        encryption key); missing ones are created, the last with mode C(0700). A snapshot that cannot be taken
        fails the task with nothing changed.
    type: path
  snapshot_keep:
    description:
      - How many snapshots to keep in O(snapshot_dir); the oldest beyond that are removed after a new one is taken.
        Only directories this module wrote are removed, and only the files it wrote in them. V(0) takes none.
    type: int
    default: 3
  account_created_earlier:
    description:
      - Set it when an earlier task of the same play creates O(service_user) and O(service_group), as the role
        C(gofer.gofer.server) does with C(gofer_create_user). Check mode then does not report them as missing,
        and the docker group membership is not reported either (that task sets it).
    type: bool
    default: false
  service_environment:
    description:
      - The environment the Gofer service runs with, as variable names and values (the role C(gofer.gofer.server)
        passes C(gofer_service_environment), the environment it writes into the systemd unit).
      - Gofer reads every C(GOFER_WEB_*) variable over the config file, so each one can undo what validation checked
        (C(GOFER_WEB_DEVELOPMENT__BYPASS_AUTH=true) turns authentication off whatever the file says). The config is
        therefore validated as Gofer reads it, with these variables merged over the file the way Gofer merges them.
        The prefix C(GOFER_WEB_) (in any case) is removed, C(__) separates nesting levels and the rest is lowercased,
        so C(GOFER_WEB_SCHEDULER__DOCKER__TIMEOUT) sets C(scheduler.docker.timeout). The value is read as a literal;
        V(true) or V(false) is a boolean, digits are an integer, a number with a C(.) is a float, C([...]) is an
        array, C({...}) a table, C("...") a string with escapes, and anything else the string as written. So
        C(GOFER_WEB_API__LOG_LEVEL=3) is the integer 3, which the log level refuses, and a value is forced to be a
        string by writing it in double quotes inside the value.
      - Each error names the variable (C(service_environment.NAME), or C(gofer_service_environment.NAME) when the task
        is the role's own) as well as the config key it sets. A variable that names an unknown key is an error with a
        suggestion, like an unknown key in the file. Two variables that set one key, an empty value, and a variable
        with no key after the prefix are errors too.
      - A value that lands under C([secret_store]) (such as the encryption key) is never shown, and is masked in
        the output.
      - Variables not named C(GOFER_WEB_*), such as C(RUST_LOG), are not checked against the config.
      - Values must be strings, numbers or booleans; V(null), lists and mappings are refused, since the unit would
        get their Python rendering. A YAML boolean is written into the unit as C(True) or C(False), which Gofer
        reads as a string, so write V('true') or V('false') quoted.
      - The variables are only validated here. They are not placed, not passed to the target and not returned; the
        role writes them into the unit. The directories, TLS files and key guard follow the config file.
    type: dict
    default: {}
  _data_dirs:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in from the validated config, and
        refuses it in a task.
      - The directories Gofer needs, as a list of C(path) and C(key) (the config keys that name them).
    type: raw
  _tls_files:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in from O(tls_src), and refuses it in a task.
    type: raw
  _sqlite_files:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in with the sqlite files the config
        names, and refuses it in a task.
    type: raw
  _old_key:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in when it has compared the key in the
        placed config with the new one, and refuses it in a task.
    type: str
    choices: [same, different, unknown]
  _tls_expected:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in with the TLS paths Gofer reads that
        have no source in O(tls_src), and refuses it in a task.
    type: raw
  _key_guard:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in with the secret store path and key to
        guard, and refuses it in a task.
    type: raw
  _secrets:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in with the values to mask in all
        output, and refuses it in a task.
    type: raw
  _database:
    description:
      - B(Internal, not an option to set.) The action plugin fills it in with the main database path of the
        validated config, and refuses it in a task.
    type: str
  owner:
    description:
      - Owner of the config file.
      - When not given, V(root).
  group:
    description:
      - Group of the config file.
      - When not given, O(service_group), so that the service can read it.
  mode:
    description:
      - Mode of the config file.
      - When not given, V('0640'), because the file holds the secret store encryption key.
extends_documentation_fragment:
  - gofer.gofer.config
  - ansible.builtin.files
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Validation runs in check mode too, so check mode fails on a config that the real run would refuse.
  diff_mode:
    support: full
    details:
      - The config's diff shows both files parsed, one C(dotted.key = value) line per setting, so that every value
        under C([secret_store]) (the encryption key in whatever form it is written) is shown as C(********) in the
        old and the new config, with a note where it differs. Comments and layout are not shown. A previous file
        that is not valid TOML is not shown at all. Private key contents are never shown.
  platform:
    platforms: posix
  safe_file_operations:
    description: Uses Ansible's strict file operation functions to ensure proper permissions and avoid data corruption.
    support: full
    details:
      - The config and TLS files are written to a temporary file beside the target, given their final owner and mode,
        then renamed over it.
  vault:
    description: Can automatically decrypt Ansible vaulted files.
    support: full
    details:
      - O(src) and the files in O(tls_src) may be vault-encrypted.
notes:
  - Gofer ignores unknown keys silently and keeps running, so a misspelled key is an error here rather than a warning.
  - Gofer v0.7 cannot serve an operator's certificate on the main API (it always serves its embedded certificate when
    C(server.use_tls = true)). Terminate TLS in a reverse proxy and keep C(server.use_tls = false).
  - The module refuses a O(dest) or TLS file that is a symbolic link (it never writes through one), and a O(mode)
    that lets other users read the config unless O(allow_insecure=true).
  - Two runs on one host at once take turns (a lock on the config's directory), and each run removes the
    temporary files that a killed run of this module left beside the files it places.
  - The module does not restart Gofer. Notify a handler when the task reports a change; the role
    C(gofer.gofer.server) does.
author:
  - Gofer collection maintainers (@gofer-ansible)
"""

EXAMPLES = r"""
- name: Place a Gofer config rendered from a template
  gofer.gofer.server_config:
    content: "{{ lookup('ansible.builtin.template', 'gofer_web.toml.j2') }}"

- name: Place a config file from the controller, keeping a backup of the old one
  gofer.gofer.server_config:
    src: gofer_web.toml
    backup: true
  notify: Restart gofer

- name: Serve webhooks over TLS with the operator's certificate
  gofer.gofer.server_config:
    content: |
      [server]
      use_tls = true   # needs allow_insecure: the main API then serves Gofer's embedded certificate
      [external_events]
      use_tls = false  # false means: read the files below
      tls_cert_path = "/etc/gofer/tls/events.crt"
      tls_key_path = "/etc/gofer/tls/events.key"
      [development]
      bypass_auth = false
      use_included_certs = false
      [secret_store.sqlite]
      path = "/var/lib/gofer/secrets.db"
      encryption_key = "{{ gofer_encryption_key }}"
    allow_insecure: true
    tls_src:
      external_events:
        cert: files/events.crt
        key: files/events.key

- name: Upgrade a host from Gofer v0.7.3 to v0.9.1, resetting the main database (it is kept beside, renamed)
  gofer.gofer.server_config:
    src: gofer_web.v0.9.toml
    gofer_version: "0.9.1"
    accept_database_reset: true

- name: Validate only, on a staging path
  gofer.gofer.server_config:
    src: gofer_web.toml
    dest: /tmp/gofer_web.toml
  check_mode: true
"""

RETURN = r"""
dest:
  description: Path of the config on the target.
  returned: always
  type: str
  sample: /etc/gofer/gofer_web.toml
config_changed:
  description: Whether the config file's content changed (or would change in check mode).
  returned: success
  type: bool
  sample: true
created:
  description: Directories and files that did not exist and were created (or would be, in check mode).
  returned: success
  type: list
  elements: str
  sample: [/var/lib/gofer, /var/lib/gofer/logs, /etc/gofer/gofer_web.toml]
data_dirs:
  description:
    - The directories the config names that Gofer writes to (the parents of the sqlite files, the task logs
      directory and, from v0.9, the object store directory), created when missing. A systemd unit with C(ProtectSystem=strict) needs exactly these in
      C(ReadWritePaths=); the role C(gofer.gofer.server) writes them there.
  returned: success
  type: list
  elements: str
  sample: [/var/lib/gofer, /var/lib/gofer/logs]
previous_version:
  description:
    - The Gofer release recorded for the config that was on the host before this run, V(null) when none was
      recorded. When it differs from O(gofer_version), RV(findings) holds the migration steps that apply.
  returned: success
  type: str
  sample: 0.7.3
database_reset:
  description: Where the main database was moved when O(accept_database_reset=true) reset it (or would move it).
  returned: when the database was reset
  type: dict
  contains:
    database:
      description: The database path, C(server.storage_path).
      type: str
      sample: /var/lib/gofer/gofer.db
    moved_to:
      description: The new name of the database; its journal files got the same name with their suffix.
      type: str
      sample: /var/lib/gofer/gofer.db.before-0.9.1.20261128T120000Z
    crossed:
      description: The releases between the two versions that rewrote the database schema.
      type: list
      elements: str
      sample: [v0.8.0, v0.8.1, v0.9.0]
snapshot:
  description:
    - The snapshot taken before a config for another release was placed (O(snapshot_dir)), for
      gofer.gofer.server_restore.
  returned: when the release changed and O(snapshot_dir) is set
  type: dict
  contains:
    path:
      description: The snapshot's directory; V(null) in check mode, where none is taken.
      type: str
      sample: /var/backups/gofer/20261204T120000Z-0.7.2-to-0.7.3
    from_version:
      description: The release recorded for the config it holds.
      type: str
      sample: 0.7.2
    to_version:
      description: O(gofer_version).
      type: str
      sample: 0.7.3
    database:
      description: The database it holds a copy of; V(null) when there was none.
      type: str
      sample: /var/lib/gofer/gofer.db
    removed:
      description: Older snapshots removed to keep O(snapshot_keep).
      type: list
      elements: str
      sample: []
changed_paths:
  description: Every path whose content, owner, group or mode was changed (or would be), created ones included.
  returned: success
  type: list
  elements: str
  sample: [/etc/gofer/gofer_web.toml]
backup_file:
  description: Name of the backup of the previous config, when O(backup=true) and the config changed.
  returned: changed and when O(backup=true)
  type: str
  sample: /etc/gofer/gofer_web.toml.2817.2026-11-27@12:00:01~
findings:
  description:
    - What validation on the controller and the checks on the target found, errors and warnings alike, each
      naming the key path (or the option) it is about. Warnings are also shown as Ansible warnings.
    - On a validation failure, the errors that made the task fail.
  returned: always
  type: list
  elements: dict
  contains:
    level:
      description: V(error) or V(warning).
      type: str
      sample: warning
    key:
      description: Dotted key path in the config.
      type: str
      sample: server.bind_address
    message:
      description: What was found, what Gofer does with it, and the fix.
      type: str
      sample: >-
        server.bind_address: "localhost:8080" is not IP:port; Gofer parses it as a socket address, refuses host
        names, so it fails to start. Use "127.0.0.1:8080", "0.0.0.0:8080" or "[::]:8080".
docker:
  description: What the target says about the Docker socket Gofer uses (C(/var/run/docker.sock), fixed in Gofer).
  returned: success
  type: dict
  contains:
    socket_exists:
      description: Whether C(/var/run/docker.sock) exists and is a socket.
      type: bool
    group_exists:
      description: Whether a C(docker) group exists.
      type: bool
    service_user_in_group:
      description:
        - Whether O(service_user) is in the C(docker) group (or is root), so that it can reach the socket.
        - V(null) when there is no C(docker) group or the user does not exist.
      type: bool
"""

import errno
import grp
import os
import pwd
import re
import stat
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native

from ansible_collections.gofer.gofer.plugins.module_utils import _argspec
from ansible_collections.gofer.gofer.plugins.module_utils import _aside
from ansible_collections.gofer.gofer.plugins.module_utils import _keyguard
from ansible_collections.gofer.gofer.plugins.module_utils import _placed
from ansible_collections.gofer.gofer.plugins.module_utils import _schema
from ansible_collections.gofer.gofer.plugins.module_utils import _snapshot

DOCKER_SOCKET = _schema.DOCKER_SOCKET
KEY_PATH = 'secret_store.sqlite.encryption_key'
LOCK_TIMEOUT = 120


class Placer(object):
    """Places the config and its paths on the target and records what changed."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.check = module.check_mode
        self.created = []
        self.changed_paths = []
        self.diffs = []
        self.findings = []
        self.planned_dirs = set()  # directories check mode would create
        self.config_texts = None
        self.backup_file = None
        self.key_known = None      # True/False once the guard compared the key; None: nothing to compare
        self.record = None            # the module's record beside the config, read under the lock
        self.previous_version = None  # the release it names
        self.database_reset = None
        self.reset_plan = None       # (database, moved to, releases crossed, why) when a reset is accepted
        self.snapshot_taken = None
        self.user = self.lookup(pwd.getpwnam, self.params['service_user'])
        self.group = self.lookup(grp.getgrnam, self.params['service_group'])

    def warn(self, key, message):
        self.findings.append({'level': 'warning', 'key': key, 'message': message})

    def fail(self, msg, **extra):
        """Fail, reporting honestly what was already done."""
        if self.changed_paths and not self.check:
            msg += ' Done before the failure: created %s; changed %s.' % (
                ', '.join(self.created) or 'nothing', ', '.join(self.changed_paths))
        else:
            msg += ' Nothing was changed.'
        self.module.fail_json(msg=msg, changed=bool(self.changed_paths), created=self.created,
                              changed_paths=self.changed_paths, **extra)

    @staticmethod
    def lookup(fn, name):
        try:
            return fn(name)
        except KeyError:
            return None

    def touched(self, path, created=False):
        if created and path not in self.created:
            self.created.append(path)
        if path not in self.changed_paths:
            self.changed_paths.append(path)

    # -- concurrency and leftovers ------------------------------------------------
    def lock(self):
        """One run at a time per config directory: two runs at once would remove each other's temporary files.

        The lock is flock(2) on the directory itself, so that taking it creates nothing on the target; a directory
        not created yet is created below, by this run.
        """
        directory = os.path.dirname(self.params['dest'])
        try:
            return _placed.lock_directory(directory, LOCK_TIMEOUT)
        except TimeoutError:
            self.fail('Another run of gofer.gofer.server_config has held the lock on %s for %s s; try again '
                      'when it has finished.' % (directory, LOCK_TIMEOUT))

    def sweep(self, path):
        """Remove this module's own temporary files that a killed run left beside path (under the lock)."""
        directory, name = os.path.split(path)
        pattern = re.compile(r'^\.%s\.[A-Za-z0-9_]{8}\.tmp$' % re.escape(name))
        try:
            names = os.listdir(directory)
        except OSError:
            return
        for entry in names:
            if not pattern.match(entry):
                continue
            full = os.path.join(directory, entry)
            try:
                st = os.lstat(full)
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and not self.check:
                    os.unlink(full)
            except OSError:
                pass

    # -- checks that run before anything is changed --------------------------
    def preflight(self):
        missing = []
        if self.user is None:
            missing.append('service_user "%s" does not exist on the target' % self.params['service_user'])
        if self.group is None:
            missing.append('service_group "%s" does not exist on the target' % self.params['service_group'])
        if missing:
            text = '; '.join(missing) + '.'
            if self.check and self.params['account_created_earlier']:
                pass  # the role creates the account in an earlier task of the same run
            elif self.check:
                self.warn('service_user', text + ' Create it before the real run (the role gofer.gofer.server can, '
                                                 'with gofer_create_user); check mode assumes it will exist.')
            else:
                self.fail(text + ' Create it first (the role gofer.gofer.server can, with gofer_create_user).')
        for path in [self.params['dest']] + [item['path'] for item in self.params['_tls_files'] or []]:
            if os.path.islink(path):
                self.fail('%s is a symbolic link; it is not followed (its target could be any file). Remove the link '
                          'so that a regular file can be placed there.' % path)
            what = _placed.kind(os.lstat(path).st_mode) if os.path.lexists(path) else None
            if what is not None:
                self.fail('%s is %s, not a regular file; a file is placed only where none is or a regular file is. '
                          'Remove it.' % (path, what))
        for item in self.params['_sqlite_files'] or []:
            if os.path.isdir(item['path']):
                self.fail('%s: "%s" is a directory on the target; Gofer panics opening it as a database ("unable '
                          'to open database file"). Give it a file name.' % (item['key'], item['path']))
        self.guard_encryption_key()
        self.guard_database()
        for item in self.params['_tls_expected'] or []:
            if not os.path.isfile(item['path']):
                self.fail('%s: "%s" does not exist on the target, and Gofer reads it with this config. Give a source '
                          'on the controller in tls_src, or place the file before this task.'
                          % (item['key'], item['path']))
        # The first changes: what a rollback needs, then the accepted reset.
        self.snapshot()
        self.reset_database()

    def guard_encryption_key(self):
        """Refuse a new encryption key while a secret store written with another one exists."""
        guard = self.params['_key_guard']
        if not guard:
            return
        db = os.path.realpath(guard['db'])  # a path through links or .. reaches the same database
        if not os.path.exists(db):
            return
        dest = self.params['dest']
        record_path = _keyguard.record_path(dest)
        record = self.record
        config_sha = _keyguard.file_sha256(dest)
        same, against = None, None
        if record is not None and record['config_sha256'] == config_sha and record['db'] == db:
            same, against = _keyguard.matches(guard['key'], record), 'the key recorded in %s' % record_path
        else:
            verdict = self.params['_old_key']
            unread = None
            if verdict is None and config_sha is not None:
                placed = _placed.read(dest)
                unread = placed['problem']
                if unread is None:
                    # Only the controller can parse TOML (bullseye's Python has no tomllib): hand it the placed
                    # config, and it runs this module again with the verdict. Nothing has been changed yet.
                    self.module.exit_json(changed=False, _gofer_old_config=placed['text'])
            if verdict in ('same', 'different'):
                same = verdict == 'same'
                against = 'the key in the config on the host (%s)' % dest
        if same is None:
            self.warn(KEY_PATH, '%s: the secret store %s exists but there is no record of the key it was written '
                                'with%s; the key given now is recorded in %s, and a different key will be refused from '
                                'now on.' % (KEY_PATH, guard['db'],
                                             ', and the config on the host %s %s' % (dest, unread) if unread else '',
                                             record_path))
        elif not same:
            loss = ('every secret stored in %s (%d bytes) would become unreadable: Gofer encrypts each one with this '
                    'key and cannot decrypt it with another' % (guard['db'], os.path.getsize(db)))
            if self.params['accept_secret_store_data_loss']:
                self.warn(KEY_PATH, '%s: replaced although it differs from %s; %s.' % (KEY_PATH, against, loss))
            else:
                # The module option, and the role's variable that sets it.
                self.fail('%s: differs from %s; %s. Keep the old key, or set accept_secret_store_data_loss (role: '
                          'gofer_accept_secret_store_data_loss) to true to replace it and lose those secrets.'
                          % (KEY_PATH, against, loss))
        self.key_known = same

    def guard_database(self):
        """Refuse a change of release across a rewrite of the main database schema while the database exists."""
        db, version, previous = self.params['_database'], self.params['gofer_version'], self.previous_version
        if not db or previous is None or previous == version or not os.path.isfile(db):
            return
        try:
            crossed = _schema.database_rewrites_between(previous, version)
        except ValueError:
            return  # a record from a newer collection naming a release this one does not know
        if not crossed:
            return
        why = ('server.storage_path: the database %s was written by Gofer %s, and %s rewrote its schema in place, so '
               'Gofer %s panics at start-up on it ("VersionMismatch").' % (db, previous, ', '.join(crossed), version))
        if not self.params['accept_database_reset']:
            self.fail('%s Keep gofer_version at %s, or set accept_database_reset (role: gofer_accept_database_reset) '
                      'to true: the database is then moved aside (renamed, never deleted) and Gofer starts with a new '
                      'one, without the old pipelines, runs and secret records; the secret store and its key are kept.'
                      % (why, previous))
        moved = '%s.before-%s.%s' % (db, version, time.strftime('%Y%m%dT%H%M%SZ', time.gmtime()))
        self.reset_plan = (db, moved, crossed, why)

    def snapshot(self):
        """Before a config for another release is placed: what a rollback restores (module_utils/_snapshot)."""
        p = self.params
        previous, version, dest = self.previous_version, p['gofer_version'], p['dest']
        if not p['snapshot_dir'] or p['snapshot_keep'] < 1 or previous is None or previous == version \
                or not os.path.isfile(dest):
            return
        if self.check:
            self.snapshot_taken = {'path': None, 'from_version': previous, 'to_version': version,
                                   'database': p['_database'] if p['_database'] and os.path.lexists(p['_database'])
                                   else None, 'removed': []}
            return
        moved_to = self.reset_plan[1] if self.reset_plan else self.earlier_reset(version)
        try:
            self.snapshot_taken = _snapshot.take(
                p['snapshot_dir'], p['snapshot_keep'], dest, _keyguard.record_path(dest), p['_database'], self.user,
                previous, version, moved_to=moved_to)
        except _snapshot.SnapshotError as e:
            why = str(e).rstrip()
            self.fail('snapshot_dir: the snapshot a rollback to Gofer %s would restore could not be taken in %s: %s%s '
                      'Set snapshot_keep (role: gofer_snapshot_keep) to 0 to change the release without one.'
                      % (previous, p['snapshot_dir'], why, '' if why.endswith('.') else '.'))
        self.touched(self.snapshot_taken['path'], created=True)
        for path in self.snapshot_taken['removed']:
            self.touched(path)

    def earlier_reset(self, version):
        """The newest name an earlier run's reset for version moved the database to, when that run was killed before
        it recorded the release (no database at its path, the data under the moved name); None otherwise."""
        db = self.params['_database']
        if not db or os.path.lexists(db):
            return None
        directory, name = os.path.split(db)
        pattern = re.compile(r'^%s\.before-%s\.[0-9]{8}T[0-9]{6}Z\Z' % (re.escape(name), re.escape(version)))
        try:
            found = sorted(entry for entry in os.listdir(directory) if pattern.match(entry))
        except OSError:
            return None
        return os.path.join(directory, found[-1]) if found else None

    def reset_database(self):
        """Move the database aside as accepted (guard_database decided it)."""
        if not self.reset_plan:
            return
        db, moved, crossed, why = self.reset_plan
        # All of the database's files or none, never over a name the service account planted in its directory.
        names = _aside.present(db)
        if not self.check:
            try:
                names = [item['from'] for item in _aside.move(db, moved)]
            except _aside.MoveError as e:
                self.fail('server.storage_path: the reset of %s failed: %s' % (db, e))
        self.database_reset = {'database': db, 'moved_to': moved, 'crossed': crossed}
        self.warn('server.storage_path', '%s Reset as accepted: moved to %s.' % (why, moved))
        for name in names:
            self.touched(name)
            self.touched(moved + name[len(db):], created=True)

    def key_record(self, config_changed):
        """Record the key, bound to the config just placed (the pair stays consistent whatever fails)."""
        guard = self.params['_key_guard']
        if not guard:
            return
        dest = self.params['dest']
        path = _keyguard.record_path(dest)
        db = os.path.realpath(guard['db'])
        record = self.record
        config_sha = _keyguard.file_sha256(dest)
        version = self.params['gofer_version']
        if (record is not None and not config_changed and record['config_sha256'] == config_sha
                and record['db'] == db and record[_keyguard.VERSION_FIELD] == version
                and _keyguard.matches(guard['key'], record)):
            return
        existed = os.path.lexists(path)
        if not self.check:
            self.write_atomically(to_bytes(path), to_bytes(_keyguard.make(guard['key'], config_sha, db, version)),
                                  self.file_args(path, None, None, '0600'))
        self.touched(path, created=not existed)

    # -- directories -----------------------------------------------------------
    def is_dir(self, path):
        return os.path.isdir(path) or path in self.planned_dirs

    def ensure_directory(self, path, owner, group, mode):
        """Create path and missing parents; only the leaf gets owner/group/mode, parents stay root 0755."""
        if self.is_dir(path):
            return
        if os.path.lexists(path):
            self.fail('%s exists and is not a directory; Gofer needs a directory there.' % path)
        parent = os.path.dirname(path)
        if parent and parent != path and not self.is_dir(parent):
            self.ensure_directory(parent, None, None, 0o755)
        if self.module._diff:
            me = pwd.getpwuid(os.geteuid()).pw_name
            self.diffs.append({'before_header': path, 'after_header': path,
                               'before': {'path': path, 'state': 'absent'},
                               'after': {'path': path, 'state': 'directory', 'owner': owner or me,
                                         'group': group or me, 'mode': '%04o' % mode}})
        if self.check:
            self.planned_dirs.add(path)
            self.touched(path, created=True)
            return
        os.mkdir(path, mode)
        self.touched(path, created=True)
        os.chmod(path, mode)  # mkdir's mode is filtered through the umask
        if owner is not None or group is not None:
            self.chown(path, owner, group)

    def chown(self, path, owner, group):
        uid = self.user.pw_uid if owner == self.params['service_user'] and self.user else -1
        gid = self.group.gr_gid if group == self.params['service_group'] and self.group else -1
        os.chown(path, uid, gid)

    def user_can_write(self, path):
        if self.user is None or self.user.pw_uid == 0:
            return True
        st = os.stat(path)
        gids = {self.user.pw_gid} | {g.gr_gid for g in grp.getgrall() if self.user.pw_name in g.gr_mem}
        if st.st_uid == self.user.pw_uid:
            return bool(st.st_mode & stat.S_IWUSR and st.st_mode & stat.S_IXUSR)
        if st.st_gid in gids:
            return bool(st.st_mode & stat.S_IWGRP and st.st_mode & stat.S_IXGRP)
        return bool(st.st_mode & stat.S_IWOTH and st.st_mode & stat.S_IXOTH)

    def data_directories(self):
        user, group = self.params['service_user'], self.params['service_group']
        for item in self.params['_data_dirs'] or []:
            path = item['path']
            existed = os.path.isdir(path)
            self.ensure_directory(path, user, group, 0o750)
            if existed and not self.user_can_write(path):
                self.warn(item['key'], '%s: the directory %s exists but %s cannot write to it; Gofer needs to create '
                                       'files there. It was left as it is: fix its owner or mode.'
                                       % (item['key'], path, user))

    # -- files -----------------------------------------------------------------
    def read_current(self, b_path):
        """The current content of a regular file, never through a link; None when it does not exist."""
        try:
            fd = _placed.open_nofollow(b_path)
        except OSError as e:
            if e.errno == errno.ENOENT:
                return None
            if e.errno == errno.ELOOP:
                self.fail('%s is a symbolic link; it is not followed.' % to_native(b_path))
            raise
        with os.fdopen(fd, 'rb') as f:
            what = _placed.kind(os.fstat(f.fileno()).st_mode)
            if what is not None:
                self.fail('%s is %s, not a regular file. Remove it.' % (to_native(b_path), what))
            return f.read()

    def place_file(self, path, data, file_args, diff_text=None):
        """Write data to path atomically with its final attributes; return True when its content changed."""
        b_path = to_bytes(path, errors='surrogate_or_strict')
        current = self.read_current(b_path)
        exists = current is not None
        if current != data:
            if self.module._diff and diff_text is not None:
                self.diffs.append(diff_text(current, data))
            if not self.check:
                if exists and self.params['backup'] and path == self.params['dest']:
                    self.backup(path, file_args)
                self.write_atomically(b_path, data, file_args)
            self.touched(path, created=not exists)
            return True
        attr_diff = {'before': {}, 'after': {}}
        if self.module.set_fs_attributes_if_different(dict(file_args, path=path), False, diff=attr_diff):
            self.touched(path)
            if self.module._diff:
                attr_diff.update(before_header=path, after_header=path)
                self.diffs.append(attr_diff)
        return False

    def backup(self, path, file_args):
        """A backup never gives more access than the new file: its owner, and at most its mode."""
        self.backup_file = self.module.backup_local(path)
        if not self.backup_file:
            return
        new_mode = file_args.get('mode')
        new_mode = int(new_mode, 8) if isinstance(new_mode, str) and new_mode.isdigit() else 0o600
        old_mode = stat.S_IMODE(os.lstat(self.backup_file).st_mode)
        os.chmod(self.backup_file, old_mode & new_mode)
        owner = self.lookup(pwd.getpwnam, file_args['owner']) if file_args.get('owner') else None
        group = self.lookup(grp.getgrnam, file_args['group']) if file_args.get('group') else None
        os.chown(self.backup_file, owner.pw_uid if owner else -1, group.gr_gid if group else -1)

    def write_atomically(self, b_path, data, file_args):
        # mkstemp creates the file 0600 beside the target, so it is never readable by others, and
        # rename() within one directory is atomic: Gofer sees the old file or the new one.
        directory = os.path.dirname(b_path)
        prefix = b'.' + os.path.basename(b_path) + b'.'
        fd, b_tmp = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=b'.tmp')
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            tmp_args = dict(file_args, path=to_native(b_tmp))
            self.module.set_fs_attributes_if_different(tmp_args, False)
            if self.module.selinux_enabled():
                self.module.set_default_selinux_context(to_native(b_tmp), False)
            os.rename(b_tmp, b_path)
        except BaseException:
            if os.path.lexists(b_tmp):
                os.unlink(b_tmp)
            raise
        _placed.fsync_directory(directory)

    def tls_files(self):
        user, group = self.params['service_user'], self.params['service_group']
        for item in self.params['_tls_files'] or []:
            parent = os.path.dirname(item['path'])
            self.ensure_directory(parent, user, group, 0o750)
            is_key = item['kind'] == 'key'
            mode = '0600' if is_key else '0644'
            args = self.file_args(item['path'], user, group, mode)
            label = 'private key' if is_key else 'certificate'
            # latin-1 carries the controller's bytes unchanged, whatever they are.
            data = item['content'].encode('latin-1')
            self.place_file(item['path'], data, args,
                            diff_text=lambda old, new, path=item['path'], label=label: {
                                'before_header': path, 'after_header': path,
                                'before': '(%s, %d bytes, not shown)\n' % (label, len(old)) if old is not None else '',
                                'after': '(%s, %d bytes, not shown)\n' % (label, len(new))})

    def file_args(self, path, owner, group, mode):
        known = self.user is not None and self.group is not None
        return {'path': path, 'owner': owner if known or not self.check else None,
                'group': group if known or not self.check else None, 'mode': mode,
                'seuser': None, 'serole': None, 'setype': None, 'selevel': None, 'secontext': [None, None, None],
                'attributes': None}

    def config(self):
        params = self.params
        dest = params['dest']
        parent = os.path.dirname(dest)
        self.ensure_directory(parent, None, None, 0o755)
        args = self.module.load_file_common_arguments(params, path=dest)
        if args.get('owner') is None:
            args['owner'] = 'root'
        if args.get('group') is None:
            args['group'] = params['service_group']
        if args.get('mode') is None:
            args['mode'] = '0640'
        if self.check and self.group is None and args['group'] == params['service_group']:
            args['group'] = None  # a check-mode run on a fresh host: the group does not exist yet
        data = to_bytes(params['content'], errors='surrogate_or_strict')
        if self.previous_version != params['gofer_version']:
            # The controller reports the migration steps from the config placed for the previous release.
            old = _placed.read(dest)
            if old['problem'] is not None:
                self.warn('dest', 'dest: the config on the host %s %s; what changes for Gofer between the releases '
                                  'is not reported from it.' % (dest, old['problem']))
            elif old['data'] is not None and old['data'] != data:
                self.config_texts = {'before': old['text']}

        def diff_text(old, new):
            # The controller renders both texts parsed, with every secret masked; they never reach the output.
            # The new text is the controller's own content (a no_log value, which Ansible would mask here anyway).
            self.config_texts = {'before': to_native(old, errors='surrogate_or_replace') if old is not None else None}
            return {'before_header': dest if old is not None else '%s (absent)' % dest, 'after_header': dest,
                    '_gofer_config': True}
        return self.place_file(dest, data, args, diff_text=diff_text)

    # -- docker ------------------------------------------------------------------
    def docker(self):
        info = {'socket_exists': False, 'group_exists': False, 'service_user_in_group': None}
        try:
            info['socket_exists'] = stat.S_ISSOCK(os.stat(DOCKER_SOCKET).st_mode)
        except OSError:
            pass
        docker_group = self.lookup(grp.getgrnam, 'docker')
        if docker_group is not None:
            info['group_exists'] = True
            if self.user is not None:
                info['service_user_in_group'] = (self.user.pw_uid == 0 or self.user.pw_gid == docker_group.gr_gid
                                                 or self.user.pw_name in docker_group.gr_mem)
                if not info['service_user_in_group'] and not self.params['account_created_earlier']:
                    self.warn('service_user',
                              'service_user %s is not in the docker group, so Gofer cannot reach %s and fails to '
                              'start ("Could not initialize scheduler"). Add it to the group.'
                              % (self.user.pw_name, DOCKER_SOCKET))
        if not info['socket_exists']:
            self.warn('scheduler.engine',
                      '%s does not exist on the target; Gofer\'s docker scheduler talks only to this socket '
                      '(DOCKER_HOST is ignored), so Gofer fails to start until Docker runs.' % DOCKER_SOCKET)
        return info

    def run(self):
        lock = self.lock()
        try:
            return self.run_locked()
        finally:
            if lock is not None:
                os.close(lock)

    def run_locked(self):
        dest = self.params['dest']
        for path in [dest, _keyguard.record_path(dest)] + [item['path'] for item in self.params['_tls_files'] or []]:
            self.sweep(path)
        # Read once, under the lock: the release it names, the key guard and the record's refresh all use it (only
        # key_record writes it, last).
        self.record = _keyguard.read(_keyguard.record_path(dest))
        self.previous_version = self.record[_keyguard.VERSION_FIELD] if self.record else None
        self.preflight()
        try:
            self.data_directories()
            self.tls_files()
            config_changed = self.config()
            self.key_record(config_changed)
        except (OSError, IOError) as e:
            self.fail('Placing the Gofer config failed: %s. The config file itself is either the old or the new '
                      'one, never a mix.' % to_native(e))
        docker = self.docker()
        result = {
            'changed': bool(self.changed_paths),
            'dest': dest,
            'config_changed': config_changed,
            'created': self.created,
            'changed_paths': self.changed_paths,
            'data_dirs': [item['path'] for item in self.params['_data_dirs'] or []],
            'previous_version': self.previous_version,
            'docker': docker,
            'findings': self.findings,
        }
        if self.backup_file:
            result['backup_file'] = self.backup_file
        if self.database_reset:
            result['database_reset'] = self.database_reset
        if self.snapshot_taken:
            result['snapshot'] = self.snapshot_taken
        if self.config_texts is not None:
            result['_gofer_config_texts'] = self.config_texts
        if self.module._diff:
            result['diff'] = self.diffs
        for finding in self.findings:
            self.module.warn(finding['message'])
        return result


def main():
    module = AnsibleModule(
        argument_spec=_argspec.module_options(),
        mutually_exclusive=_argspec.MUTUALLY_EXCLUSIVE,
        add_file_common_args=True,
        supports_check_mode=True,
    )
    if module.params['content'] is None:
        module.fail_json(msg='content is required on the target; run this module through its action plugin '
                             '(gofer.gofer.server_config), which reads src and validates the config.')
    module.exit_json(**Placer(module).run())


if __name__ == '__main__':
    main()
