# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What changes for Gofer when a config written for one release is replaced by one for another.

PRIVATE to the gofer.gofer collection. Standard library only.

The steps are the schema's CHANGES between the two releases, walked in the direction of the move: a renamed key
whose value does not carry over, a default that changed under a key left at it, a setting an older release ignored
and a newer one honours (or the reverse), a removed setting that was in use, and the object store's engine change,
whose data is not migrated. The main database's rewrites are the module's to guard (it refuses them on the target).
Every finding is a warning: what would stop the new server is an error of the validator already.
"""

from __future__ import annotations

from ansible_collections.gofer.gofer.plugins.module_utils import _schema as S
from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import WARNING, Finding, describe, effective_config
from ansible_collections.gofer.gofer.plugins.plugin_utils._view import flatten


def guess_version(config):
    """The oldest release line whose keys a config uses, for a config whose release was not recorded."""
    flat = flatten(config)
    if 'api.pipeline_run_concurrency_limit' in flat or 'api.global_run_concurrency_limit' in flat:
        return S.LATEST
    if flat.get('object_store.engine') == 'filesystem' or 'object_store.filesystem.path' in flat:
        return '0.9'
    return '0.7'


def findings(old_config, old_version, new_config, new_version):
    """Warnings for replacing old_config (written for old_version, None when unknown) by new_config."""
    guessed = old_version is None
    if guessed:
        old_version = guess_version(old_config)
    old_release, new_release = S.release_of(old_version), S.release_of(new_version)
    if old_release == new_release:
        return []
    old_name, new_name = S.schema_for(old_version)['name'], S.schema_for(new_version)['name']
    if guessed:
        old_name = 'the config on the host (its release is not recorded; it looks written for %s)' % old_name
    old = effective_config(old_config, old_version)
    new = effective_config(new_config, new_version)
    given = flatten(old_config)
    upgrade = old_release < new_release
    low, high = sorted((old_release, new_release))
    steps = [(S.LATEST_RELEASE if r is None else r, c) for r, c in S.CHANGES]
    steps = [(r, c) for r, c in steps if low < r <= high]
    out = []

    def warn(key, text):
        out.append(Finding(WARNING, key, '%s: %s' % (key, text)))

    for release, change in (steps if upgrade else reversed(steps)):
        when = S.release_name(release)
        at = when if when.startswith('after') else 'at ' + when
        for before, after in change.get('rename', {}).items():
            was, now = (before, after) if upgrade else (after, before)
            if was in old and now in new and old[was] != new[now]:
                warn(now, 'Gofer renamed %s to %s %s; %s had %s = %s, and %s now gets %s. Set %s if the old value '
                     'should stay.' % (before, after, at, old_name, was, describe(old[was], was), new_name,
                                       describe(new[now], now), now))
        for path, fields in change.get('update', {}).items():
            if ('default' in fields and path in old and path in new and old[path] != new[path]
                    and path not in change.get('migrate', {})):
                warn(path, 'changes from %s (%s) to %s (%s); Gofer\'s own default changed %s, so state the value '
                     'you want.' % (describe(old[path], path), old_name, describe(new[path], path), new_name, at))
            if 'used' in fields and new.get(path) is False:
                if upgrade:
                    warn(path, 'is false; %s ignored it, but %s honours it (from %s), so false now really turns this '
                         'off.' % (old_name, new_name, when))
                else:
                    warn(path, 'is false, but %s ignores it (it is honoured only from %s), so this stays on.'
                         % (new_name, when))
        for path in change.get('remove', {}) if upgrade and not change.get('migrate') else ():
            spec = S.schema_for(old_version)['keys'].get(path)
            if spec and spec['used'] and path in given and given[path] != spec['default']:
                warn(path, '%s set it to %s, but %s no longer reads it: %s.'
                     % (old_name, describe(given[path], path), new_name, change['remove'][path][1]))
        for path, text in change.get('migrate', {}).items():
            if old.get(path) != new.get(path) and path in old and path in new:
                if upgrade:
                    stores = [old[p] for p in ('object_store.sqlite.path',) if p in old]
                    warn(path, 'changes from %s (%s) to %s (%s, %s): %s%s.' % (
                        describe(old[path], path), old_name, describe(new[path], path), new_name, at, text,
                        ' (%s)' % ', '.join(stores) if stores else ''))
                else:
                    warn(path, 'changes from %s back to %s: the objects stored under %s are not migrated back, so '
                         'pipelines and runs start with no stored objects.'
                         % (describe(old[path], path), describe(new[path], path),
                            old.get('object_store.filesystem.path', 'the object store directory')))
    return out
