# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TOML literals for single values. PRIVATE to the gofer.gofer collection.

Only what a Gofer config holds: strings, booleans and integers. Strings are written as TOML
basic strings with every character that could end or bend the line escaped, so a value cannot
inject keys or tables ("]", "#", quotes and newlines stay inside the string).
"""

from __future__ import annotations

_ESCAPES = {'"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r'}
INT64_MAX = 2 ** 63 - 1


def quote_string(text):
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append('\\u%04x' % ord(ch))
        else:
            out.append(ch)
    return '"%s"' % ''.join(out)


def toml_value(value):
    """The TOML literal for a string, boolean or integer; TypeError/ValueError for anything else."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        if not -INT64_MAX - 1 <= value <= INT64_MAX:
            raise ValueError('%d does not fit in a TOML integer (64-bit)' % value)
        return str(value)
    if isinstance(value, str):
        return quote_string(value)
    raise TypeError('a Gofer config value must be a string, boolean or integer, not %s' % type(value).__name__)
