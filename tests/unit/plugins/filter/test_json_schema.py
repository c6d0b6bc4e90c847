# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/schema/gofer_web-0.7.schema.json agrees with the validator wherever JSON Schema can express the rule."""

from __future__ import annotations

import copy
import json
import os

import pytest

jsonschema = pytest.importorskip('jsonschema')

from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import ERROR, validate  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..')
with open(os.path.join(ROOT, 'docs', 'schema', 'gofer_web-0.7.schema.json')) as f:
    SCHEMA = json.load(f)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

BASE = {
    'api': {'log_level': 'info', 'task_execution_logs_dir': '/var/lib/gofer/logs'},
    'server': {'storage_path': '/var/lib/gofer/gofer.db'},
    'development': {'bypass_auth': False, 'use_included_certs': False},
    'scheduler': {'docker': {'prune': False}},
    'object_store': {'sqlite': {'path': '/var/lib/gofer/objects.db'}},
    'secret_store': {'sqlite': {'path': '/var/lib/gofer/secrets.db',
                                'encryption_key': '0123456789abcdef0123456789abcdef'}},
}


def changed(path, value):
    config = copy.deepcopy(BASE)
    node = config
    parts = path.split('.')
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if value is DELETE:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value
    return config


class _Deleted(object):
    def __repr__(self):
        return '<deleted>'


DELETE = _Deleted()
# (key, value) pairs; the schema and the validator must agree on each.
CORPUS = [
    (None, None),
    ('api.log_level', 'debug'), ('api.log_level', 'INFO'), ('api.log_level', '3'), ('api.log_level', 'warning'),
    ('api.log_level', ''), ('api.log_level', 3),
    ('api.event_log_retention', 15768000), ('api.event_log_retention', '4380h'), ('api.event_log_retention', -1),
    ('api.event_log_retention', 1.5), ('api.event_log_retention', 2000000000), ('api.event_log_retention', True),
    ('api.event_prune_interval', 0), ('api.event_prune_interval', 1),
    ('api.nonsense', 1), ('serverr', {'x': 1}), ('server.host', '0.0.0.0:8080'),
    ('server.bind_address', '0.0.0.0:8080'), ('server.bind_address', '[::]:8080'),
    ('server.bind_address', 'localhost:8080'), ('server.bind_address', '0.0.0.0'), ('server.bind_address', ':8080'),
    ('server.bind_address', '256.0.0.1:80'), ('server.extension_address', 'http://172.17.0.1:8080'),
    ('server.extension_address', 'gofer.internal:8080'), ('server.storage_path', 'relative.db'),
    ('server.storage_path', '/var/lib/gofer/a?.db'), ('server.storage_path', '/var/lib/gofer/a#.db'),
    ('api.task_execution_logs_dir', 'logs'),
    ('development.bypass_auth', True), ('development.bypass_auth', 'false'), ('development.bypass_auth', DELETE),
    ('development.use_included_certs', True), ('development.pretty_logging', 1),
    ('scheduler.engine', 'docker'), ('scheduler.engine', 'Docker'), ('scheduler.engine', 0),
    ('scheduler.docker.timeout', 0), ('scheduler.docker.prune_interval', 0), ('scheduler.docker.prune', 'yes'),
    ('object_store.engine', 'filesystem'), ('object_store.filesystem', {'path': '/x'}),
    ('secret_store.engine', 'vault'), ('secret_store.sqlite.encryption_key', 'short'),
    ('secret_store.sqlite.encryption_key', 'changemechangemechangemechangeme'),
    ('secret_store.sqlite.encryption_key', '0123456789abcdef0123456789abcdef0'),
    ('secret_store.sqlite.encryption_key', DELETE), ('secret_store.sqlite.path', ['a']),
    ('api.run_parallelism_limit', 2 ** 63),
]


@pytest.mark.parametrize('path,value', CORPUS, ids=[('%s=%r' % c)[:60] for c in CORPUS])
def test_schema_and_validator_agree(path, value):
    config = copy.deepcopy(BASE) if path is None else changed(path, value)
    validator_refuses = any(f.level == ERROR for f in validate(config))
    schema_refuses = not VALIDATOR.is_valid(config)
    assert schema_refuses == validator_refuses, (path, value, [e.message for e in VALIDATOR.iter_errors(config)])


def test_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
