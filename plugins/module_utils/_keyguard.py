# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Recognise the encryption key a Gofer secret store was written with, without storing the key.

PRIVATE to the gofer.gofer collection. Standard library only (it runs on the target).

Gofer encrypts every stored secret with secret_store.sqlite.encryption_key and cannot
decrypt them with another key, so the module keeps a salted PBKDF2 fingerprint of the key
beside the database and refuses a different key while the database exists.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re

SUFFIX = '.key-fingerprint'
# The fingerprint file is root-only 0600 beside a config that holds the key itself, so the work
# factor only has to stop casual reversal; it is paid on every run, on every host.
ITERATIONS = 10000
_LINE = re.compile(r'^\s*"?encryption_key"?\s*=\s*(.+?)\s*(?:#.*)?$', re.MULTILINE)


def fingerprint_path(db_path):
    return db_path + SUFFIX


def make(key, salt=None):
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac('sha256', key.encode('utf-8'), salt, ITERATIONS)
    return 'pbkdf2-sha256$%d$%s$%s\n' % (ITERATIONS, salt.hex(), digest.hex())


def matches(key, text):
    """True or False when text is a fingerprint, None when it cannot be read."""
    try:
        scheme, iterations, salt, digest = text.strip().split('$')
        if scheme != 'pbkdf2-sha256':
            return None
        actual = hashlib.pbkdf2_hmac('sha256', key.encode('utf-8'), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return None
    return hmac.compare_digest(actual.hex(), digest)


def key_in_config(text):
    """The encryption_key of a gofer_web.toml already on the host, or None when it cannot be read.

    Targets may have no TOML parser, so this reads the one line the key is on: a basic string
    (JSON-compatible escapes) or a literal string.
    """
    found = _LINE.findall(text)
    if len(found) != 1:
        return None
    value = found[0]
    if value.startswith("'") and value.endswith("'") and len(value) >= 2:
        return value[1:-1]
    if value.startswith('"') and value.endswith('"'):
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, str) else None
    return None
