# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The GOFER_WEB_* variables of the service's environment, read the way Gofer reads them over its config file.

PRIVATE to the gofer.gofer collection. Controller only.

Gofer loads Env::prefixed("GOFER_WEB_").split("__") over the file (figment 0.10.19): the prefix is matched without
regard to case and stripped, "__" nests, keys are lowercased, and each value is parsed as a literal (value/parse.rs):
true/false, integers, numbers with a "." that parse as floats, [..] arrays, {..} tables, "..." strings with escapes,
'c' a single character, an empty value as no value, and anything that does not parse, whole, as the string itself.
"""

from __future__ import annotations

import re

from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import ERROR, Finding, merge
from ansible_collections.gofer.gofer.plugins.plugin_utils._view import MAX_DEPTH, is_secret

PREFIX = 'GOFER_WEB_'
# Rust's char::is_whitespace (str::trim), which is not quite Python's str.isspace.
_WHITESPACE = '\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a' \
              '\u2028\u2029\u202f\u205f\u3000'
_SEPARATORS = ',{}[]'
_FLOAT = re.compile(r'^[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$')
_ESCAPES = {'"': '"', '\\': '\\', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
USIZE_MAX = 2 ** 64 - 1
ISIZE_MIN, ISIZE_MAX = -2 ** 63, 2 ** 63 - 1
UNIT = object()  # figment's Empty::Unit: no value at all


class _Fail(Exception):
    pass


class _Parser(object):
    """figment's value parser (value/parse.rs), over a Python string."""

    def __init__(self, text):
        self.text = text
        self.at = 0
        self.depth = 0

    def peek(self):
        return self.text[self.at] if self.at < len(self.text) else None

    def eat(self, char):
        if self.peek() != char:
            raise _Fail()
        self.at += 1

    def skip_whitespace(self):
        while self.peek() is not None and self.peek() in _WHITESPACE:
            self.at += 1

    def quoted_str(self):
        self.eat('"')
        start, escaped = self.at, False
        while self.peek() is not None and (escaped or self.peek() != '"'):
            escaped = not escaped and self.peek() == '\\'
            self.at += 1
        inner = self.text[start:self.at]
        self.eat('"')
        return unescape(inner)

    def key(self):
        if self.peek() == '"':
            return self.quoted_str()
        start = self.at
        while self.peek() is not None and (self.peek().isascii() and self.peek().isalnum() or self.peek() in '_-'):
            self.at += 1
        return self.text[start:self.at]

    def delimited(self, start, end, item):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ValueError('nests arrays or tables more than %d levels deep' % MAX_DEPTH)
        items = []
        self.eat(start)
        self.skip_whitespace()
        while self.peek() != end:
            items.append(item())
            self.skip_whitespace()
            if self.peek() != ',':
                break
            self.at += 1
            self.skip_whitespace()
        self.eat(end)
        self.depth -= 1
        return items

    def pair(self):
        key = self.key()
        self.skip_whitespace()
        self.eat('=')
        self.skip_whitespace()
        return key, self.value()

    def value(self):
        self.skip_whitespace()
        char = self.peek()
        if char == '"':
            value = self.quoted_str()
        elif char == "'":
            self.eat("'")
            if self.peek() is None:
                raise _Fail()
            value = self.text[self.at]
            self.at += 1
            self.eat("'")
        elif char == '[':
            value = self.delimited('[', ']', self.value)
        elif char == '{':
            value = dict(self.delimited('{', '}', self.pair))
        elif char is None:
            value = UNIT
        else:
            start = self.at
            while self.peek() is not None and self.peek() not in _SEPARATORS:
                self.at += 1
            value = bare(self.text[start:self.at].strip(_WHITESPACE))
        self.skip_whitespace()
        return value


def unescape(inner):
    out, chars = [], iter(inner)
    for char in chars:
        if char == '\\':
            code = next(chars, None)
            if code in _ESCAPES:
                out.append(_ESCAPES[code])
            elif code in ('u', 'U'):
                width = 4 if code == 'u' else 8
                digits = ''.join(next(chars, '') for _count in range(width))
                if len(digits) != width or not re.match('^[0-9A-Fa-f]+$', digits):
                    raise _Fail()
                value = int(digits, 16)
                if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                    raise _Fail()
                out.append(chr(value))
            else:
                raise _Fail()
        elif char == '\t' or (char >= ' ' and char != '\x7f'):
            out.append(char)
        else:
            raise _Fail()
    return ''.join(out)


def bare(text):
    """An unquoted literal: a boolean, a number, or the text itself."""
    if text in ('true', 'false'):
        return text == 'true'
    if '.' in text:
        return float(text) if _FLOAT.match(text) else text
    # usize, then isize (Rust's integer parsing takes a leading "+", and "-" for isize only).
    if re.match(r'^[+-]?[0-9]{1,20}$', text) and text not in ('+', '-'):
        number = int(text)
        if (text[0] != '-' and number <= USIZE_MAX) or ISIZE_MIN <= number <= ISIZE_MAX:
            return number
    return text


def parse_value(text):
    """The value figment reads from an environment variable's text (UNIT for an empty one)."""
    text = text.strip(_WHITESPACE)
    parser = _Parser(text)
    try:
        value = parser.value()
    except _Fail:
        return text
    return value if parser.at == len(text) else text


def env_name(key):
    """The GOFER_WEB_ variable that sets a dotted config key."""
    return PREFIX + key.upper().replace('.', '__')


def as_unit_writes(value):
    """The text of a value as the role's systemd unit writes it (Jinja's string of it: a boolean is True/False)."""
    return value if isinstance(value, str) else str(value)


class Overrides(object):
    """What the GOFER_WEB_* variables of an environment set: a tree to merge over the file, and where each key came
    from. label names the environment in messages (gofer_service_environment in the role)."""

    def __init__(self, environment, label):
        self.label = label
        self.tree = {}
        self.sources = {}    # dotted key -> variable name
        self.booleans = set()  # variables given as YAML booleans
        self.findings = []
        self.secrets = []
        for name in sorted(environment or {}, key=str):
            self.read(str(name), environment[name])

    def error(self, name, message):
        key = '%s.%s' % (self.label, name)
        self.findings.append(Finding(ERROR, key, '%s: %s' % (key, message)))

    def read(self, name, value):
        if value is None or not isinstance(value, (str, int, float)):
            what = 'null' if value is None else 'a list' if isinstance(value, list) else \
                'a mapping' if isinstance(value, dict) else 'a %s' % type(value).__name__
            self.error(name, 'is %s; an environment variable holds text, and the systemd unit would get the Python '
                             'rendering of it (such as "None" or "[...]"). Give a string, a number or a boolean.' % what)
            return
        if name[:len(PREFIX)].upper() != PREFIX:
            return  # not read as config (RUST_LOG and the like)
        parts = name[len(PREFIX):].lower().split('__')
        key = '.'.join(parts)
        if not all(parts):
            self.error(name, 'names no config key: after %s, names are joined by "__" (such as '
                             'GOFER_WEB_API__LOG_LEVEL). Gofer ignores it.' % PREFIX)
            return
        text = as_unit_writes(value)
        try:
            parsed = parse_value(text)
        except ValueError as e:
            self.error(name, '%s; a Gofer setting has at most 3. Gofer cannot read it.' % e)
            return
        if key in self.sources:
            self.error(name, 'sets %s, as %s does; which one Gofer reads depends on the order of the environment. '
                             'Keep one.' % (key, self.sources[key]))
            return
        if parsed is UNIT:
            self.error(name, 'is empty; Gofer reads an empty variable as no value at all, not as an empty string. '
                             'Remove it, or write "" (with the quotes) for an empty string.')
            return
        self.sources[key] = name
        if isinstance(value, bool):
            self.booleans.add(name)
        self.secrets.extend(secret_texts(key, parsed) + ([text] if is_secret(key, parsed) and text else []))
        node = parsed
        for part in reversed(parts):
            node = {part: node}
        self.tree = merge(self.tree, node)

    def over(self, config):
        """The config Gofer reads: the file's, with the variables merged over it."""
        return merge(config, self.tree)

    @staticmethod
    def concerns(finding, key):
        """Whether a finding is about a key a variable sets: the key itself, a table around it or in it, or a
        key its message names (such as the stop timeout a docker timeout is compared with)."""
        return (key == finding.key or key.startswith(finding.key + '.') or finding.key.startswith(key + '.')
                or re.search(r'\b%s\b' % re.escape(key), finding.message) is not None)

    def attribute(self, findings):
        """The findings on keys the variables set, named by the variable (its key stays in the message)."""
        out = []
        for finding in findings:
            names = sorted({name for key, name in self.sources.items() if self.concerns(finding, key)})
            if not names:
                out.append(finding)
                continue
            label = ', '.join('%s.%s' % (self.label, name) for name in names)
            message = re.sub(r' Did you mean ([a-z0-9_.]+)\?',
                             lambda m: ' Did you mean %s?' % env_name(m.group(1)), finding.message)
            note = ''
            if self.booleans & set(names):
                note = (' (the unit writes a YAML boolean as True or False, which Gofer reads as a string: quote it, '
                        'as \'true\' or \'false\')')
            out.append(Finding(finding.level, '%s.%s' % (self.label, names[0]),
                               '%s: Gofer reads %s over the config file%s. %s'
                               % (label, 'this variable' if len(names) == 1 else 'these variables', note, message)))
        return out


def secret_texts(key, value):
    """Every string in a value that lands on a secret key."""
    found, stack = [], [(key, value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(('%s.%s' % (path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((path, v) for v in node)
        elif isinstance(node, str) and node and is_secret(path, node):
            found.append(node)
    return found
