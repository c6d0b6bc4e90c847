# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The paths on the target that a validated config makes Gofer use.

PRIVATE to the gofer.gofer collection. Standard library only.
"""

from __future__ import annotations

import posixpath

from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import DIRECTORY_KEYS, SQLITE_KEYS, normpath


def sqlite_files(effective):
    """[{'path', 'key'}] of the sqlite files the release reads (Gofer creates them, not their directories)."""
    return [{'path': normpath(effective[k]), 'key': k} for k in SQLITE_KEYS if k in effective]


def data_dirs(effective):
    """{directory: [keys]} the service account must be able to write: each sqlite file's directory, the task logs
    directory and, from v0.9, the object store directory (docs/gofer-behaviour.md §3)."""
    dirs = {}
    files = [item['key'] for item in sqlite_files(effective)]
    for key in files + [k for k in DIRECTORY_KEYS if k in effective]:
        path = normpath(effective[key])
        path = posixpath.dirname(path) if key in files else path
        if path != '/':
            dirs.setdefault(path, []).append(key)
    return dirs
