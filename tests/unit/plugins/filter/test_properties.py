# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Property-based tests: the role's template round-trips any host vars; the validator never crashes."""

from __future__ import annotations

import datetime
import json
import os

import jinja2
import pytest

try:
    import tomllib
except ImportError:
    import tomli as tomllib

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, settings, strategies as st  # noqa: E402

from ansible_collections.gofer.gofer.plugins.filter.gofer import FilterModule  # noqa: E402
from ansible_collections.gofer.gofer.plugins.module_utils import _schema as S  # noqa: E402
from ansible_collections.gofer.gofer.plugins.module_utils._duration import UNITS  # noqa: E402
from ansible_collections.gofer.gofer.plugins.module_utils._validate import ERROR, Finding, validate  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..', '..', '..')
RECORDS = os.path.join(ROOT, 'tests', 'output', 'reliability')
KEYS = S.schema_for('0.7')['keys']
EXAMPLES = 300
PROFILE = settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
COUNTS = {}


def record(name):
    COUNTS[name] = COUNTS.get(name, 0) + 1
    os.makedirs(RECORDS, exist_ok=True)
    with open(os.path.join(RECORDS, 'property-%s.json' % name), 'w') as f:
        json.dump({'suite': 'property', 'name': name, 'examples': COUNTS[name]}, f)


def template():
    # The role's template, rendered as Ansible renders it (trim_blocks on) with the collection's filters.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ROOT, 'roles', 'server', 'templates')),
                             trim_blocks=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    for name, fn in FilterModule().filters().items():
        env.filters['gofer.gofer.' + name] = fn
    return env.get_template('gofer_web.toml.j2')


TEMPLATE = template()
TEXT = st.text(st.characters(exclude_categories=('Cs',)), max_size=40)
U64 = st.integers(min_value=0, max_value=2 ** 63 - 1)


def duration():
    whole = U64.map(lambda n: (n, n))
    human = st.tuples(st.integers(0, 10 ** 6), st.sampled_from(sorted(UNITS))).map(
        lambda t: ('%d%s' % t, t[0] * UNITS[t[1]]))
    return st.one_of(whole, human)


def value_for(spec):
    if spec['type'] == S.BOOL:
        strategy = st.booleans().map(lambda v: (v, v))
    elif spec['type'] == S.ENUM:
        strategy = st.sampled_from(spec['choices']).map(lambda v: (v, v))
    elif spec['type'] == S.U64:
        strategy = duration() if spec['unit'] == 'seconds' else U64.map(lambda v: (v, v))
    else:
        strategy = TEXT.map(lambda v: (v, v))
    if spec['optional']:
        strategy = st.one_of(st.just((None, None)), strategy)
    return strategy


HOST_VARS = st.fixed_dictionaries({path: value_for(spec) for path, spec in KEYS.items()})


@PROFILE
@given(HOST_VARS)
def test_any_host_vars_render_to_toml_that_parses_back_to_them(values):
    context = {'gofer_' + path.replace('.', '_'): given_value for path, (given_value, _expected) in values.items()}
    placed = tomllib.loads(TEMPLATE.render(context))
    for path, (_given, expected) in values.items():
        node = placed
        for part in path.split('.'):
            node = node.get(part, KeyError) if isinstance(node, dict) else KeyError
        if expected is None:
            assert node is KeyError, path
        else:
            assert node == expected and type(node) is type(expected), path
    record('round_trip')


SCALARS = st.one_of(st.booleans(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
                    st.floats(allow_nan=True), TEXT, st.datetimes().map(lambda d: d.replace(microsecond=0)),
                    st.dates(), st.times().map(lambda t: t.replace(microsecond=0)))
NAMES = st.one_of(st.sampled_from(sorted({p.split('.')[0] for p in KEYS} | {p.rsplit('.', 1)[-1] for p in KEYS})),
                  TEXT)
ANY_CONFIG = st.dictionaries(NAMES, st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(NAMES, inner, max_size=4)), max_leaves=20), max_size=8)


@PROFILE
@given(ANY_CONFIG, st.booleans())
def test_any_parsed_toml_gives_findings_never_a_crash(config, allow_insecure):
    found = validate(config, allow_insecure=allow_insecure)
    assert all(isinstance(f, Finding) and f.message.startswith(f.key + ': ') for f in found)
    record('no_crash')


def wrong_value(spec):
    """A value Gofer's deserializer refuses for this key."""
    if spec['type'] == S.BOOL:
        return st.one_of(st.integers(), TEXT, st.floats(allow_nan=False))
    if spec['type'] == S.U64:
        return st.one_of(st.booleans(), TEXT, st.floats(allow_nan=False), st.integers(max_value=-1),
                         st.integers(min_value=2 ** 63))
    if spec['type'] == S.ENUM:
        return st.one_of(TEXT.filter(lambda v: v not in spec['choices']), st.integers(), st.booleans())
    return st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False), st.lists(TEXT, max_size=2),
                     st.just(datetime.date(2026, 1, 1)))


MUTATION = st.sampled_from(sorted(KEYS)).flatmap(lambda path: st.tuples(st.just(path), wrong_value(KEYS[path])))


@PROFILE
@given(MUTATION)
def test_a_wrong_type_anywhere_is_an_error_naming_the_key(mutation):
    path, value = mutation
    config = {}
    node = config
    parts = path.split('.')
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    errors = [f for f in validate(config, allow_insecure=True) if f.level == ERROR and f.key == path]
    assert errors, (path, value)
    record('wrong_type')
