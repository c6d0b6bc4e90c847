# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What purge removes beside the config: every file the role and its modules leave there, nothing else."""

from __future__ import annotations

import os
import re

import pytest

from ansible_collections.gofer.gofer.plugins.modules import server_token
from ansible_collections.gofer.gofer.plugins.plugin_utils import _role_config as R


def beside():
    return [re.compile(p) for p in R.effective({}, '0.7.1', validate=False)['purge']['beside']]


def purged(name):
    return any(p.match(name) for p in beside())


def test_purge_takes_every_earlier_token_keep_before_names(tmp_path, monkeypatch):
    token = tmp_path / 'bootstrap.token'
    monkeypatch.setattr(server_token.time, 'strftime', lambda fmt, t=None: '20261203T120000Z')
    for n in range(3):
        token.write_text('GOFER_TOKEN=t%d\n' % n)
        server_token.keep_before(str(token))
    kept = sorted(n for n in os.listdir(str(tmp_path)) if n != 'bootstrap.token')
    assert kept == ['bootstrap.token.before-20261203T120000Z', 'bootstrap.token.before-20261203T120000Z.1',
                    'bootstrap.token.before-20261203T120000Z.2']
    assert all(purged(name) for name in kept)


@pytest.mark.parametrize('name', [
    'gofer_web.toml.4242.2026-01-01@00:00:00~',    # ansible.builtin.copy's backup of the config
    '.bootstrap.token.k2j4h5_x',                   # a token file a killed run left half written
])
def test_purge_takes_the_backups_and_leftovers_of_the_role(name):
    assert purged(name)


@pytest.mark.parametrize('name', [
    'gofer_web.toml', 'bootstrap.token', 'other-program.conf', 'bootstrap.token.before-20261203T120000Z.1\n',
    'bootstrap.token.before-20261203T120000Z.x', 'gofer_web.toml.bak', 'bootstrap.token.before-',
])
def test_purge_leaves_what_is_not_a_leftover_of_the_role(name):
    assert not purged(name)


def test_the_binary_the_probe_and_the_images_come_from_the_effective_config():
    digest = 'AB' * 32
    got = R.effective({'gofer_install_dir': '/opt/gofer/', 'gofer_binary_checksum': 'sha256:' + digest,
                       'gofer_config_overrides': {'server': {'bind_address': '0.0.0.0:9000'}}},
                      '0.8.4', validate=False)
    assert got['versioned_binary'] == '/opt/gofer/0.8.4/gofer'
    assert got['binary_checksum'] == digest.lower()
    assert got['probe_url'] == 'http://127.0.0.1:9000/api/system/metadata'
    assert got['loopback_probe_url'] == 'http://127.0.0.1:9000/api/system/metadata'
    assert got['extension_images'] == list(R.STD_EXTENSION_IMAGES)
    off = R.effective({'gofer_extensions_install_std_extensions': False}, '0.8.4', validate=False)
    assert off['extension_images'] == []
    # v0.8.0 starts them whatever the key says: it does not read it.
    assert R.effective({'gofer_extensions_install_std_extensions': False}, '0.8.0',
                       validate=False)['extension_images'] == list(R.STD_EXTENSION_IMAGES)
    assert R.effective({}, None, validate=False)['versioned_binary'] is None


def test_the_api_header_and_the_docker_socket_reach_the_role_from_the_schema():
    got = R.effective({}, '0.9.1', validate=False)
    assert got['api_headers'] == {'gofer-api-version': 'v0'} and got['docker_socket'] == '/var/run/docker.sock'
