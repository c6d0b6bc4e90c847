# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turn cases.yml into the exact task arguments of each bad-input case (JSON on stdout).

usage: materialise.py CASES ROOT KEYDIR SRCDIR KEY
The base config is valid; each case edits it as text, so that values TOML cannot
produce from a dict (huge integers, datetimes, duplicate keys) reach the module as written.
"""

from __future__ import annotations

import json
import os
import sys

import yaml


def base(root, key):
    return {
        'api': {'log_level': '"info"', 'task_execution_logs_dir': '"%s/var/lib/gofer/logs"' % root},
        'server': {'bind_address': '"0.0.0.0:8080"', 'storage_path': '"%s/var/lib/gofer/gofer.db"' % root},
        'development': {'pretty_logging': 'false', 'bypass_auth': 'false', 'use_included_certs': 'false'},
        'external_events': {'bind_address': '"0.0.0.0:8081"'},
        'scheduler': {'engine': '"docker"'},
        'scheduler.docker': {'prune': 'false', 'timeout': '300'},
        'object_store.sqlite': {'path': '"%s/var/lib/gofer/objects.db"' % root},
        'secret_store': {'engine': '"sqlite"'},
        'secret_store.sqlite': {'path': '"%s/var/lib/gofer-secrets/secrets.db"' % root,
                                'encryption_key': json.dumps(key)},
    }


def render(tables):
    lines = []
    for table, keys in tables.items():
        lines.append('[%s]' % table)
        lines.extend('%s = %s' % (k, v) for k, v in keys.items())
        lines.append('')
    return '\n'.join(lines)


def main():
    cases_path, root, keydir, srcdir, key = sys.argv[1:6]
    with open(cases_path) as f:
        cases = yaml.safe_load(f)['cases']
    out = []
    for case in cases:
        tables = base(root, key)
        args = json.loads(json.dumps(case.get('args', {})).replace('KEYDIR', keydir).replace('ROOT', root))
        if case.get('tls') == 'events':
            tables['server']['use_tls'] = 'true'
            tables['external_events'].update(use_tls='false', tls_cert_path='"%s/etc/gofer/tls/e.crt"' % root,
                                             tls_key_path='"%s/etc/gofer/tls/e.key"' % root)
            args.setdefault('allow_insecure', True)
        for path, literal in (case.get('set') or {}).items():
            tables.pop(path, None)  # a key that replaces a whole table
            table, name = path.rsplit('.', 1)
            if literal is None:
                tables.get(table, {}).pop(name, None)
            else:
                tables.setdefault(table, {})[name] = literal.replace('ROOT', root)
        for path, digits in (case.get('digits') or {}).items():
            table, name = path.rsplit('.', 1)
            tables.setdefault(table, {})[name] = '9' * digits
        for path, size in (case.get('huge') or {}).items():
            table, name = path.rsplit('.', 1)
            tables.setdefault(table, {})[name] = '"/%s"' % ('x' * (size - 1)) if 'path' in name else '"%s"' % ('x' * size)
        content = render(tables) + (case.get('patch') or '').replace('ROOT', root)
        entry = {'id': case['id'], 'category': case['category'], 'expect': case['expect'], 'args': args,
                 'vars': case.get('vars'), 'never': case.get('never', [])}
        if 'content' in case:
            entry['content'] = case['content']
        elif 'nest' in case:  # hostile nesting, generated: {arrays|tables|dotted: depth}
            kind, depth = next(iter(case['nest'].items()))
            entry['content'] = {'arrays': 'a = ' + '[' * depth + ']' * depth + '\n',
                                'tables': 'a = ' + '{ b = ' * depth + '1' + ' }' * depth + '\n',
                                'dotted': '.'.join('k%d' % i for i in range(depth)) + ' = 1\n'}[kind]
        elif 'src_hex' in case:
            src = os.path.join(srcdir, case['id'] + '.toml')
            with open(src, 'wb') as f:
                f.write(bytes.fromhex(case['src_hex']))
            entry['args'] = dict(args, src=src)
        elif 'src' in args:
            pass
        elif case.get('vars') is None:
            entry['content'] = content
        out.append(entry)
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
