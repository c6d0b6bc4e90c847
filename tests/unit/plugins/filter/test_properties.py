# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Property-based tests: the role's rendered config round-trips any host vars; the validator never crashes."""

from __future__ import annotations

import datetime
import json
import os

import pytest

try:
    import tomllib
except ImportError:
    import tomli as tomllib

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, settings, strategies as st  # noqa: E402

from ansible_collections.gofer.gofer.plugins.filter.gofer import FilterModule  # noqa: E402
from ansible_collections.gofer.gofer.plugins.module_utils import _schema as S  # noqa: E402
from ansible_collections.gofer.gofer.plugins.plugin_utils._duration import UNITS  # noqa: E402
from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import ERROR, Finding, validate  # noqa: E402
from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import normpath, parents  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..', '..', '..')
RECORDS = os.path.join(ROOT, 'tests', 'output', 'reliability')
# One release of each schema: every property holds for every release the collection supports.
RELEASES = ['0.7.3', '0.8.2', '0.8.4', '0.9.1', 'latest']
ALL_KEYS = {}
for _release in RELEASES:
    ALL_KEYS.update(S.schema_for(_release)['keys'])
KEYS = ALL_KEYS
EXAMPLES = 300
PROFILE = settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
COUNTS = {}


def record(name):
    COUNTS[name] = COUNTS.get(name, 0) + 1
    os.makedirs(RECORDS, exist_ok=True)
    with open(os.path.join(RECORDS, 'property-%s.json' % name), 'w') as f:
        json.dump({'suite': 'property', 'name': name, 'examples': COUNTS[name]}, f)


FILTERS = FilterModule().filters()


def render(context, release):
    # The role's config as the role renders it: the effective config of the variables, then its TOML text.
    effective = FILTERS['effective_config'](context, release, False)
    return FILTERS['config_text'](effective, context['gofer_secret_store_sqlite_encryption_key'])


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


HOST_VARS = st.fixed_dictionaries({path: value_for(spec) for path, spec in ALL_KEYS.items()})


@pytest.mark.parametrize('release', RELEASES)
@PROFILE
@given(values=HOST_VARS)
def test_any_host_vars_render_to_toml_that_parses_back_to_them(release, values):
    # The role's variables cover every release; the role writes exactly the keys of the selected one.
    context = {'gofer_' + path.replace('.', '_'): given_value for path, (given_value, _expected) in values.items()}
    context['gofer_version'] = release
    placed = tomllib.loads(render(context, release))
    keys = S.schema_for(release)['keys']
    for path, (_given, expected) in values.items():
        node = placed
        for part in path.split('.'):
            node = node.get(part, KeyError) if isinstance(node, dict) else KeyError
        if expected is None or path not in keys:
            assert node is KeyError, path
        else:
            assert node == expected and type(node) is type(expected), path
    assert not [f for f in validate(placed, version=release, allow_insecure=True)
                if f.level == ERROR and f.message.startswith((f.key + ': is not read by', f.key + ': exists only in'))], \
        'the role wrote a key the release does not read'
    record('round_trip-%s' % release)


SCALARS = st.one_of(st.booleans(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
                    st.floats(allow_nan=True), TEXT, st.datetimes().map(lambda d: d.replace(microsecond=0)),
                    st.dates(), st.times().map(lambda t: t.replace(microsecond=0)))
NAMES = st.one_of(st.sampled_from(sorted({p.split('.')[0] for p in KEYS} | {p.rsplit('.', 1)[-1] for p in KEYS})),
                  TEXT)
ANY_CONFIG = st.dictionaries(NAMES, st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(NAMES, inner, max_size=4)), max_leaves=20), max_size=8)


@pytest.mark.parametrize('release', RELEASES)
@PROFILE
@given(config=ANY_CONFIG, allow_insecure=st.booleans())
def test_any_parsed_toml_gives_findings_never_a_crash(release, config, allow_insecure):
    found = validate(config, version=release, allow_insecure=allow_insecure)
    assert all(isinstance(f, Finding) and f.message.startswith(f.key + ': ') for f in found)
    record('no_crash-%s' % release)


PATH_TEXT = st.one_of(TEXT, st.text(st.sampled_from('/.a\x00'), max_size=40))
PATH_KEYS = sorted(p for p, spec in ALL_KEYS.items() if spec['format'] in (S.SQLITE_FILE, S.DIRECTORY, S.FILE))


@PROFILE
@given(path=PATH_TEXT)
def test_path_normalisation_ends_for_every_string(path):
    # "//" used to make the walk up to "/" loop for ever: dirname("//") is "//".
    norm = normpath(path)
    assert normpath(norm) == norm
    assert not norm.startswith('//')
    above = parents(norm)
    assert len(above) <= norm.count('/') and '/' not in above and len(set(above)) == len(above)
    record('path_normalisation')


@pytest.mark.parametrize('release', RELEASES)
@PROFILE
@given(data=st.data())
def test_any_string_in_any_path_key_gives_findings_never_a_hang(release, data):
    keys = [k for k in PATH_KEYS if k in S.schema_for(release)['keys']]
    config = {}
    for key in data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
        node = config
        for part in key.split('.')[:-1]:
            node = node.setdefault(part, {})
        node[key.rsplit('.', 1)[-1]] = data.draw(PATH_TEXT)
    found = validate(config, version=release, allow_insecure=True)
    assert all(isinstance(f, Finding) and f.message.startswith(f.key + ': ') for f in found)
    record('path_keys-%s' % release)


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


def mutation(release):
    keys = S.schema_for(release)['keys']
    return st.sampled_from(sorted(keys)).flatmap(lambda path: st.tuples(st.just(path), wrong_value(keys[path])))


@pytest.mark.parametrize('release', RELEASES)
@PROFILE
@given(data=st.data())
def test_a_wrong_type_anywhere_is_an_error_naming_the_key(release, data):
    path, value = data.draw(mutation(release))
    config = {}
    node = config
    parts = path.split('.')
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    errors = [f for f in validate(config, version=release, allow_insecure=True) if f.level == ERROR and f.key == path]
    assert errors, (path, value)
    record('wrong_type-%s' % release)


# -- raw TOML text, through the action plugin: hostile text is refused, never an exception, never a leak --

SECRET = 'S3cr3tValueNeverShown0123456789a'
KEY_NAMES = st.sampled_from(['api', 'server', 'secret_store', 'sqlite', 'encryption_key', 'path', 'log_level',
                             'bind_address', 'scheduler', 'docker', 'timeout', '"quoted key"', "'lit'", 'x-y'])
NUMBER_TEXT = st.one_of(st.integers().map(str), st.sampled_from(['inf', '-inf', 'nan', '+nan', '1e400', '0x1F',
                                                                 '0o17', '0b101', '1_000', '9' * 30, '9' * 5000]))
STRING_TEXT = st.one_of(
    TEXT.map(json.dumps),
    st.just('"%s"' % SECRET), st.just("'%s'" % SECRET), st.just('"""\\\n%s"""' % SECRET),
    st.just('"%s"' % ''.join('\\u%04x' % ord(c) for c in SECRET)),
    st.text(max_size=20).map('"{}'.format)  # unterminated, or worse
)


def value_text(depth):
    scalar = st.one_of(NUMBER_TEXT, STRING_TEXT, st.sampled_from(['true', 'false', '1979-05-27T07:32:00Z']))
    if depth <= 0:
        return scalar
    inner = value_text(depth - 1)
    return st.one_of(scalar, st.lists(inner, max_size=3).map(lambda v: '[%s]' % ', '.join(v)),
                     st.lists(st.tuples(KEY_NAMES, inner), max_size=3).map(
                         lambda kv: '{ %s }' % ', '.join('%s = %s' % p for p in kv)))


LINE = st.one_of(
    st.lists(KEY_NAMES, min_size=1, max_size=3).map(lambda k: '[%s]' % '.'.join(k)),
    st.tuples(st.lists(KEY_NAMES, min_size=1, max_size=4).map('.'.join), value_text(2)).map(' = '.join),
    st.integers(1, 3000).map(lambda n: 'deep = ' + '[' * n + ']' * n),
    st.integers(1, 3000).map(lambda n: '.'.join(['k'] * n) + ' = 1'),
    st.sampled_from(['# comment', '', 'garbage line', '[[array.of.tables]]']),
)
RAW_TOML = st.lists(LINE, max_size=12).map('\n'.join)


def secret_shown_elsewhere(text):
    """Whether the secret stands somewhere a message may rightly quote it: a key name or a value outside
    [secret_store]. Text that does not parse quotes nothing of the secret."""
    try:
        parsed = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return False
    stack = [(parsed, False)]
    while stack:
        node, secret = stack.pop()
        if isinstance(node, dict):
            for name, value in node.items():
                if SECRET in name:
                    return True
                stack.append((value, secret or (name == 'secret_store' and node is parsed)))
        elif isinstance(node, list):
            stack.extend((v, secret) for v in node)
        elif not secret and SECRET in str(node):
            return True
    return False


def run_action(content, release):
    from unittest.mock import MagicMock

    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook.play_context import PlayContext

    from ansible_collections.gofer.gofer.plugins.action.server_config import ActionModule
    task = MagicMock()
    task.args = {'content': content, 'gofer_version': release}
    task.async_val = 0
    task.check_mode = False
    task.action = 'gofer.gofer.server_config'
    action = ActionModule(task, MagicMock(), PlayContext(), DataLoader(), templar=None, shared_loader_obj=None)
    action._execute_module = MagicMock(return_value={'changed': False, 'findings': []})
    return action.run(task_vars={})


@pytest.mark.parametrize('release', RELEASES)
@PROFILE
@given(text=RAW_TOML)
def test_any_raw_toml_text_is_refused_or_placed_never_an_exception_or_a_leak(release, text):
    result = run_action(text, release)
    shown = json.dumps(result, default=str)
    assert 'Traceback' not in shown
    if not secret_shown_elsewhere(text):
        assert SECRET not in shown, 'a value under [secret_store] reached the output'
    if result.get('failed'):
        assert result['msg'] and len(result['msg']) < 20000
    record('raw_text-%s' % release)


ENV_TEXT = st.one_of(TEXT, st.text(st.sampled_from('[]{},="\'\\ tru.0-9a'), max_size=30))


@PROFILE
@given(text=ENV_TEXT)
def test_any_environment_value_is_read_as_a_literal_or_kept_as_written(text):
    from ansible_collections.gofer.gofer.plugins.plugin_utils._environment import _WHITESPACE, UNIT, parse_value
    try:
        value = parse_value(text)
    except ValueError as e:
        assert 'levels deep' in str(e)
        return
    assert value is UNIT or isinstance(value, (str, bool, int, float, list, dict))
    trimmed = text.strip(_WHITESPACE)
    if not trimmed.startswith(('"', "'", '[', '{')):
        # A bare value is a boolean, a number, or the text itself, never anything else.
        assert isinstance(value, (bool, int, float)) or value == trimmed or (value is UNIT and not trimmed)
    record('environment_values')


@pytest.mark.parametrize('release', RELEASES)
@PROFILE
@given(environment=st.dictionaries(
    st.one_of(st.sampled_from(['GOFER_WEB_' + p.upper().replace('.', '__') for p in sorted(KEYS)]), TEXT),
    st.one_of(ENV_TEXT, st.booleans(), st.integers(), st.none(), st.lists(st.integers(), max_size=2)), max_size=4))
def test_any_environment_gives_findings_naming_a_variable_never_a_crash(release, environment):
    from ansible_collections.gofer.gofer.plugins.plugin_utils._environment import Overrides
    env = Overrides(environment, 'gofer_service_environment')
    found = env.findings + env.attribute(validate(env.over({}), version=release, allow_insecure=True))
    # A finding opens with what it is about: its key, or the variables that set it (several: the first is its key).
    assert all(isinstance(f, Finding) and f.message.startswith((f.key + ': ', f.key + ', ')) for f in found)
    named = {f.key.split('.', 1)[1] for f in found if f.key.startswith('gofer_service_environment.')}
    assert named <= set(environment)
    record('environment-%s' % release)
