# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A parsed config as it may be shown: nesting bounds, the secrets it holds, and a masked view for diffs.

PRIVATE to the gofer.gofer collection. Standard library only.

Masking works on the parsed values, not on the text: a key written as a dotted key, in an inline table, with a
quoted name, escapes or a multi-line string is the same value once parsed, and is masked wherever it stands.
"""

from __future__ import annotations

import json

MASK = '********'
# Gofer's deepest key is three levels (scheduler.docker.timeout); anything far deeper is not a Gofer config, and
# Python's recursion would give out on it.
MAX_DEPTH = 16


def too_deep(value, limit=MAX_DEPTH):
    """True when tables or arrays nest more than limit levels (checked without recursion)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False


# The two settings under [secret_store] that are not secret, when they hold a string where they belong.
NOT_SECRET = ('secret_store.engine', 'secret_store.sqlite.path')


def is_secret(path, value=''):
    """Every value under [secret_store] is secret, whatever its shape or place, but the engine and path strings."""
    if path != 'secret_store' and not path.startswith('secret_store.'):
        return False
    return not (path in NOT_SECRET and isinstance(value, str))


def secret_strings(config):
    """Every secret string under [secret_store], at any depth: the values to mask wherever they appear."""
    found, stack = [], [(config.get('secret_store'), 'secret_store')] if isinstance(config, dict) else []
    while stack:
        node, path = stack.pop()
        if isinstance(node, str) and node and is_secret(path, node):
            found.append(node)
        elif isinstance(node, dict):
            stack.extend((v, path + '.' + str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, path) for v in node)
    return found


def _literal(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float, str)) or value is None:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return '[%s]' % ', '.join(_literal(v) for v in value)
    return json.dumps(str(value), ensure_ascii=False)


def flatten(tree, prefix=''):
    """{dotted.path: value} of a parsed config (its nesting is bounded by MAX_DEPTH before it gets here)."""
    out = {}
    for name, value in tree.items():
        path = prefix + name
        if isinstance(value, dict):
            out.update(flatten(value, path + '.'))
        else:
            out[path] = value
    return out


def mask_text(text, secrets):
    """text with every secret in it masked, the longest first (so a secret inside another is not half shown)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def masked_lines(config, extra_secrets=(), other=None):
    """One 'dotted.key = value' line per value, in file order, with secrets masked, for a diff.

    With other (the config on the other side of the diff), a masked value that differs there says so, so that a
    changed key does not look like an unchanged one.
    """
    lines = []
    others = flatten(other) if other is not None else {}

    def walk(node, prefix):
        for name, value in node.items():
            path = prefix + str(name)
            if isinstance(value, dict):
                walk(value, path + '.')
            elif is_secret(path, value):
                differs = other is not None and others.get(path) != value
                lines.append('%s = "%s"%s' % (path, MASK, '  # a different value' if differs else ''))
            else:
                lines.append('%s = %s' % (path, mask_text(_literal(value), extra_secrets)))
    walk(config, '')
    return ''.join(line + '\n' for line in lines)


def masked_tree(config, extra_secrets=()):
    """A copy of a parsed config to show as data: every secret value masked, dates and times as strings."""
    def copy(node, path):
        if isinstance(node, dict):
            return {name: copy(value, path + '.' + name if path else name) for name, value in node.items()}
        if isinstance(node, list):
            return [copy(value, path) for value in node]
        if is_secret(path, node):
            return MASK
        if isinstance(node, str):
            return mask_text(node, extra_secrets)
        if isinstance(node, (bool, int, float)) or node is None:
            return node
        return str(node)  # TOML dates and times
    return copy(config, '')
