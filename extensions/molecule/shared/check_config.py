# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare a placed gofer_web.toml with what the role's variables say it should hold.

stdin: {"toml": <placed text>, "vars": {gofer_*: value}}; argv[1]: the collection root.
Every key of the release in gofer_version is looked up in the host's vars, then in the role defaults; a null
role default means the release's own default; durations are converted to seconds; optional keys left unset
must be absent. Exit 1 and list the differences.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tomllib

import yaml


def load(root, kind, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(root, 'plugins', kind, name + '.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    root = sys.argv[1]
    schema, duration = load(root, 'module_utils', '_schema'), load(root, 'plugin_utils', '_duration')
    data = json.load(sys.stdin)
    with open(os.path.join(root, 'roles', 'server', 'defaults', 'main.yml')) as f:
        values = dict(yaml.safe_load(f), **data['vars'])
    placed = tomllib.loads(data['toml'])
    problems = []
    for path, spec in schema.schema_for(values.get('gofer_version') or '0.7')['keys'].items():
        node = placed
        for part in path.split('.'):
            node = node.get(part, KeyError) if isinstance(node, dict) else KeyError
        expected = values.get('gofer_' + path.replace('.', '_'))
        if expected is None and not spec['optional']:
            expected = spec['default']
        if expected is not None and spec['unit'] == 'seconds':
            expected = duration.parse_duration(expected)
        if expected is None:
            if node is not KeyError:
                problems.append('%s: expected absent, placed %r' % (path, node))
        elif node != expected or type(node) is not type(expected):
            shown = '<secret>' if spec['secret'] else repr(expected)
            problems.append('%s: expected %s, placed %s' % (path, shown, '<secret>' if spec['secret'] else repr(node)))
    if problems:
        print('\n'.join(problems))
        return 1
    print('%d keys match' % len(schema.schema_for(values.get('gofer_version') or '0.7')['keys']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
