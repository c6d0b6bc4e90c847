# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters for rendering Gofer configs and checking the role's variables (each documented in its own .yml)."""

from __future__ import annotations

import difflib
import os

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

from ansible_collections.gofer.gofer.plugins.module_utils import _schema as S
from ansible_collections.gofer.gofer.plugins.plugin_utils._duration import parse_duration
from ansible_collections.gofer.gofer.plugins.plugin_utils._toml import toml_value as _toml_value
from ansible_collections.gofer.gofer.plugins.plugin_utils import _role_config as R


def toml_value(value):
    try:
        return _toml_value(value)
    except (TypeError, ValueError) as e:
        raise AnsibleFilterError('gofer.gofer.toml_value: %s' % e)


def seconds(value, name=None):
    """Whole seconds, or an error naming the variable (name) the value came from."""
    try:
        return parse_duration(value)
    except ValueError as e:
        raise AnsibleFilterError('%s: %s' % (name or 'gofer.gofer.seconds', e))


def as_bool(value, name):
    """A boolean as Ansible's own type conversion reads it (yes/no, on/off, true/false, 1/0), or an error naming name."""
    return _filter_call(R.as_bool, value, name)


def as_int(value, name):
    """A whole number, from an integer or a string of digits (as -e name=value gives), or an error naming name."""
    return _filter_call(R.as_int, value, name)


def _filter_call(function, *args):
    try:
        return function(*args)
    except R.RoleConfigError as e:
        raise AnsibleFilterError(str(e))


def effective_config(values, version=None, validate=True):
    """The role's effective config (gofer.gofer.server): variables, gofer_config_overrides and the release's
    defaults merged once, with what every later step reads from it. Holds not the secret store's key.

    A variable the role cannot use is not raised but listed in problems (with an empty config), so that the role
    can compute this under no_log and still report the message."""
    try:
        return dict(R.effective(values, version, validate), problems=[])
    except R.RoleConfigError as e:
        return {'problems': [str(e)]}
    except ValueError as e:
        return {'problems': ['gofer_version: %s.' % e]}


def config_text(effective, encryption_key):
    """The TOML text of an effective config, with the secret store's key."""
    if effective.get('problems'):
        raise AnsibleFilterError(' '.join(effective['problems']))
    return _filter_call(R.render, effective, encryption_key)


_KNOWN = {}
_DEFAULTS = {}


def _known_variables():
    """Every variable of the role, {name: the config key it sets, or None}: the role's own from its argument specs,
    the config's from the schema."""
    if not _KNOWN:
        import yaml
        path = os.path.join(os.path.dirname(__file__), '..', '..', 'roles', 'server', 'meta', 'argument_specs.yml')
        # Every task runs in a fresh worker, so this is parsed once per host and task: libyaml's loader takes a tenth
        # of the pure-Python one's time.
        with open(path) as f:
            specs = yaml.load(f, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))['argument_specs']
        for entry in specs.values():
            for name, option in entry.get('options', {}).items():
                _KNOWN[name] = None
                _DEFAULTS[name] = option.get('default')
        _KNOWN.update(R.VARIABLE_KEYS)
        _DEFAULTS.update(R.VARIABLE_DEFAULTS)
    return _KNOWN


def unsafe_paths(lines, paths):
    """Messages naming the variable for each of paths that stat shows owned or writable by another user than root."""
    return R.unsafe_paths(lines, paths)


def _schema(version):
    try:
        return S.schema_for(S.DEFAULT_VERSION if version is None else version)
    except ValueError as e:
        raise AnsibleFilterError('gofer_version: %s.' % e)


def schema_keys(version):
    """{config key: Gofer's default} for the release gofer_version selects (None: the module's default, 0.7)."""
    return {path: spec['default'] for path, spec in _schema(version)['keys'].items()}


def version_variables(values, version):
    """Errors for role variables the selected release cannot carry; warnings for those it does not read.

    A variable set for a key the release does not read is a warning naming the release that reads it; a variable of a
    key the release renamed is carried over to the new name with a deprecation warning, and is an error only when
    the new name is set to another value.
    """
    try:
        schema = S.schema_for(S.DEFAULT_VERSION if version is None else version)
    except ValueError as e:
        return ['gofer_version: %s.' % e]
    known = _known_variables()
    by_key = {path: name for name, path in known.items() if path}
    errors = _override_problems(values.get('gofer_config_overrides'), schema)
    for name, path in sorted(known.items()):
        if not path or path in schema['keys'] or name not in values:
            continue
        value = values[name]
        if value is None or value == _DEFAULTS.get(name):
            continue
        info = schema['other_names'].get(path, {})
        new_name = by_key.get(info.get('to') or '')
        if info.get('kind') == 'removed' and new_name and info['to'] in schema['keys']:
            if values.get(new_name) is not None and values[new_name] != value:
                errors.append('%s and %s are both set, to different values; %s reads only %s (%s was renamed). '
                              'Remove %s.' % (name, new_name, schema['name'], info['to'], path, name))
            else:
                Display().deprecated('%s sets %s, which %s renamed to %s; the role writes its value there. Rename '
                                     'the variable to %s.' % (name, path, schema['name'], info['to'], new_name),
                                     version='1.0.0', collection_name='gofer.gofer')
            continue
        # A warning, not an error: a site moving its hosts release by release keeps both releases' variables.
        if info.get('kind') == 'later':
            why = 'only Gofer %s reads it' % info['version']
        else:
            why = '%s (read only before %s)' % (info.get('why', 'it is not read'), info.get('version', '?'))
        hint = ' Use %s.' % new_name if new_name and info.get('to') in schema['keys'] else ''
        Display().warning('%s sets %s, which %s (gofer_version) does not read: %s. The role does not write it.%s'
                          % (name, path, schema['name'], why, hint))
    return errors


# What the role sets itself, for its users to read.
PUBLISHED = ('gofer_server_result', 'gofer_server_token')


def unknown_variables(names, mode='error'):
    """One message per gofer_* name the role gofer.gofer.server does not know, with a did-you-mean.

    With mode 'warn' the messages are printed as warnings instead, and none is returned.
    """
    known = _known_variables()
    messages = []
    for name in sorted(set(names) - set(known) - set(PUBLISHED)):
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
        hint = ''
        if close:
            hint = ' Did you mean %s%s?' % (close[0], ' (it sets %s)' % known[close[0]] if known[close[0]] else '')
        messages.append('%s is not a variable of the role gofer.gofer.server, so it has no effect.%s' % (name, hint))
    if mode == 'warn':
        for message in messages:
            Display().warning(message)
        return []
    return messages


def _override_problems(overrides, schema):
    """Errors for gofer_config_overrides keys no release reads; warnings for keys this release does not read."""
    if overrides is None:
        return []
    try:
        flat = config_overrides(overrides)
    except AnsibleFilterError as e:
        return [str(e)]
    every = set()
    for other in S.SCHEMAS.values():
        every.update(other['keys'])
    errors = []
    for path in sorted(flat):
        if path in schema['keys']:
            continue
        if path in every:
            info = schema['other_names'].get(path, {})
            Display().warning('gofer_config_overrides: %s is not read by %s (gofer_version)%s; the role does not write '
                              'it.' % (path, schema['name'], ', only Gofer %s reads it' % info['version']
                                       if info.get('kind') == 'later' else ''))
            continue
        close = difflib.get_close_matches(path, sorted(every), n=1, cutoff=0.75)
        errors.append('gofer_config_overrides: %s is not a key of the Gofer config, so it would have no effect.%s'
                      % (path, ' Did you mean %s?' % close[0] if close else ''))
    return errors


def config_overrides(overrides):
    """gofer_config_overrides, a config in the shape of the TOML file, as {dotted key: value}."""
    return _filter_call(R.flat_overrides, overrides)


class FilterModule(object):
    def filters(self):
        return {'toml_value': toml_value, 'seconds': seconds, 'as_bool': as_bool, 'as_int': as_int,
                'unknown_variables': unknown_variables, 'schema_keys': schema_keys,
                'version_variables': version_variables, 'config_overrides': config_overrides,
                'effective_config': effective_config, 'config_text': config_text, 'unsafe_paths': unsafe_paths}
