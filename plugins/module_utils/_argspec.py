# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options of gofer.gofer.server_config, shared by the action plugin (which checks the task's
arguments with it) and the module. PRIVATE to the gofer.gofer collection."""

from __future__ import annotations

from ansible_collections.gofer.gofer.plugins.module_utils._schema import DEFAULT_VERSION

DEFAULT_DEST = '/etc/gofer/gofer_web.toml'


def _tls_pair():
    return dict(type='dict', options=dict(cert=dict(type='path'), key=dict(type='path', no_log=False)))


def user_options():
    """The documented options (without the file common arguments)."""
    return dict(
        content=dict(type='str', no_log=True),
        src=dict(type='path'),
        dest=dict(type='path', default=DEFAULT_DEST),
        gofer_version=dict(type='str', default=DEFAULT_VERSION),
        service_user=dict(type='str', default='gofer'),
        service_group=dict(type='str', default='gofer'),
        allow_insecure=dict(type='bool', default=False),
        tls_src=dict(type='dict', options=dict(external_events=_tls_pair(), extensions=_tls_pair())),
        backup=dict(type='bool', default=False),
        accept_secret_store_data_loss=dict(type='bool', default=False),
        accept_database_reset=dict(type='bool', default=False),
        snapshot_dir=dict(type='path'),
        snapshot_keep=dict(type='int', default=3),
        secret_values=dict(type='list', elements='str', default=[], no_log=True),
        account_created_earlier=dict(type='bool', default=False),
        # Validated on the controller only; never passed to the module.
        service_environment=dict(type='dict', default={}, no_log=True),
    )


def info_options():
    """The options of gofer.gofer.server_config_info, which its action plugin and its module both read."""
    return dict(
        dest=dict(type='path', default='/etc/gofer/gofer_web.toml'),
        gofer_version=dict(type='str', default=DEFAULT_VERSION),
        allow_insecure=dict(type='bool', default=False),  # used on the controller
        secret_values=dict(type='list', elements='str', default=[], no_log=True),
    )


def lock_options():
    """The options of gofer.gofer.server_lock, which its action plugin checks and its module accepts."""
    return dict(
        state=dict(type='str', choices=['held', 'free'], default='held'),
        path=dict(type='path', default='/run/gofer.gofer.server.lock'),
        timeout=dict(type='int', default=900),
        ttl=dict(type='int', default=7200),
    )


def module_options():
    """What the module accepts: the documented options plus what the action plugin fills in."""
    spec = user_options()
    spec.update(
        # Not for direct use. Private key contents travel in _tls_files and are repeated in
        # _secrets, whose values Ansible masks everywhere in the module's output.
        _data_dirs=dict(type='raw'),
        _tls_files=dict(type='raw', no_log=False),
        _sqlite_files=dict(type='raw'),
        _old_key=dict(type='str', choices=['same', 'different', 'unknown'], no_log=False),
        _tls_expected=dict(type='raw'),
        _key_guard=dict(type='raw', no_log=False),  # its key is in _secrets, masked
        _database=dict(type='str'),
        _secrets=dict(type='raw', no_log=True),
    )
    return spec


MUTUALLY_EXCLUSIVE = [['content', 'src']]
REQUIRED_ONE_OF = [['content', 'src']]
