# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Recognise the encryption key a Gofer secret store was written with, without storing the key.

PRIVATE to the gofer.gofer collection. Standard library only (it runs on the target).

Gofer encrypts every stored secret with secret_store.sqlite.encryption_key and cannot decrypt them with another
key, so the module refuses a different key while the database exists. It keeps a record of the key beside the
config (root's directory, not the service account's data directory): a salted PBKDF2 digest, bound to the
sha256 of the config file it was written with and to the real path of the database. A record that does not match
the config on disk is stale (a run died between the two writes) and is ignored: the key in the placed config,
parsed on the controller, decides instead. Everything read here is treated as hostile: bounded, validated, and
"unknown" rather than an exception when it is not exactly what this module writes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat

from ansible_collections.gofer.gofer.plugins.module_utils import _placed

ITERATIONS = 10000
MAX_RECORD = 4096
_HEX = re.compile(r'^[0-9a-f]+$')
FIELDS = {'version', 'kdf', 'iterations', 'salt', 'digest', 'config_sha256', 'db'}
# The Gofer release the config was placed for (from gofer.gofer 0.3.0; older records have no such field).
VERSION_FIELD = 'gofer_version'
_GOFER_VERSION = re.compile(r'^(latest|[0-9]{1,3}\.[0-9]{1,3}(\.[0-9]{1,3})?)$')


def record_path(dest):
    """The record lives beside the config, in root's directory."""
    return os.path.join(os.path.dirname(dest), '.%s.keyguard' % os.path.basename(dest))


def _digest(key, salt):
    return hashlib.pbkdf2_hmac('sha256', key.encode('utf-8', 'surrogatepass'), salt, ITERATIONS).hex()


def make(key, config_sha256, db, gofer_version, salt=None):
    salt = salt if salt is not None else os.urandom(16)
    return json.dumps({'version': 2, 'kdf': 'pbkdf2-sha256', 'iterations': ITERATIONS, 'salt': salt.hex(),
                       'digest': _digest(key, salt), 'config_sha256': config_sha256, 'db': db,
                       VERSION_FIELD: gofer_version}, sort_keys=True) + '\n'


def read(path):
    """The record at path as a dict, or None when it is missing, not root's own regular file, or malformed."""
    try:
        fd = _placed.open_nofollow(path)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
            return None
        data = os.read(fd, MAX_RECORD + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_RECORD:
        return None
    try:
        record = json.loads(data.decode('ascii'))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or set(record) - {VERSION_FIELD} != FIELDS:
        return None
    version = record.setdefault(VERSION_FIELD, None)
    if version is not None and not (isinstance(version, str) and _GOFER_VERSION.match(version)):
        return None
    checks = (record['version'] == 2 and record['kdf'] == 'pbkdf2-sha256'
              and isinstance(record['iterations'], int) and not isinstance(record['iterations'], bool)
              and record['iterations'] == ITERATIONS
              and all(isinstance(record[k], str) for k in ('salt', 'digest', 'config_sha256', 'db'))
              and len(record['salt']) == 32 and len(record['digest']) == 64 and len(record['config_sha256']) == 64
              and all(_HEX.match(record[k]) for k in ('salt', 'digest', 'config_sha256'))
              and 0 < len(record['db']) <= 4096)
    return record if checks else None


def matches(key, record):
    """Whether key is the key the record was made from."""
    return hmac.compare_digest(_digest(key, bytes.fromhex(record['salt'])), record['digest'])


def file_sha256(path):
    """sha256 of a regular file (not followed through a link), or None."""
    try:
        fd = _placed.open_nofollow(path)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        digest = hashlib.sha256()
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return digest.hexdigest()
            digest.update(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
