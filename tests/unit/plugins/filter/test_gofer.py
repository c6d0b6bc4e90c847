# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

try:
    import tomllib
except ImportError:
    import tomli as tomllib

from ansible.errors import AnsibleFilterError

from ansible_collections.gofer.gofer.plugins.filter.gofer import FilterModule

FILTERS = FilterModule().filters()
toml_value = FILTERS['toml_value']
seconds = FILTERS['seconds']

TRICKY = [
    'plain',
    '',
    'say "hi"',
    'back\\slash\\',
    'line one\nline two\r\n',
    'tab\there',
    ']',
    '# not a comment',
    '"\n[development]\nbypass_auth = true\n#',
    'caf\u00e9 \u65e5\u672c \U0001f680',
    '\x00\x01\x1f\x7f',
    "'single' and '''triple'''",
    '"""',
]


@pytest.mark.parametrize('text', TRICKY)
def test_strings_round_trip_and_stay_one_value(text):
    document = 'key = %s\nafter = 1\n' % toml_value(text)
    assert tomllib.loads(document) == {'key': text, 'after': 1}


@pytest.mark.parametrize('value,literal', [(True, 'true'), (False, 'false'), (0, '0'), (15768000, '15768000'),
                                           (-1, '-1'), (2 ** 63 - 1, str(2 ** 63 - 1))])
def test_booleans_and_integers(value, literal):
    assert toml_value(value) == literal
    assert tomllib.loads('v = %s' % literal)['v'] == value


@pytest.mark.parametrize('value,fragment', [
    (1.5, 'not float'), (None, 'not NoneType'), ([1], 'not list'), ({'a': 1}, 'not dict'),
    (2 ** 63, 'does not fit'),
])
def test_other_values_are_refused(value, fragment):
    with pytest.raises(AnsibleFilterError, match='gofer.gofer.toml_value: .*' + fragment):
        toml_value(value)


@pytest.mark.parametrize('value,expected', [
    (300, 300), ('300', 300), ('5m', 300), ('4380h', 15768000), ('1w', 604800), ('1d', 86400), ('90s', 90),
    ('1h30m', 5400), (' 2h ', 7200), ('10M', 600), (0, 0),
])
def test_seconds(value, expected):
    assert seconds(value) == expected


@pytest.mark.parametrize('value', ['5 minutes', '1.5h', '-5m', -1, 'h', '', True, 1.5, None])
def test_seconds_refuses(value):
    with pytest.raises(AnsibleFilterError, match='gofer.gofer.seconds'):
        seconds(value)


def test_seconds_names_the_variable_it_is_given():
    with pytest.raises(AnsibleFilterError) as e:
        seconds('10 minutes', 'gofer_scheduler_docker_timeout')
    assert str(e.value).startswith("gofer_scheduler_docker_timeout: '10 minutes' is not a duration; use whole "
                                   "seconds or a string such as")


def render_role_template(**variables):
    # The config as the role renders it: the effective config of its defaults and the variables, as TOML.
    import os
    import yaml
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..')
    with open(os.path.join(root, 'roles', 'server', 'defaults', 'main.yml')) as f:
        context = yaml.safe_load(f)
    context.update(gofer_secret_store_sqlite_encryption_key='0123456789abcdef0123456789abcdef', **variables)
    return FILTERS['config_text'](FILTERS['effective_config'](context, context['gofer_version'], False),
                                  context['gofer_secret_store_sqlite_encryption_key'])


@pytest.mark.parametrize('variable,key', [
    ('gofer_scheduler_docker_timeout', 'scheduler.docker.timeout'),
    ('gofer_api_event_prune_interval', 'api.event_prune_interval'),
    ('gofer_extensions_stop_timeout', 'extensions.stop_timeout'),
])
def test_a_bad_duration_in_a_role_variable_is_an_error_naming_the_variable(variable, key):
    with pytest.raises(AnsibleFilterError) as e:
        render_role_template(**{variable: '10 minutes'})
    assert str(e.value).startswith("%s (or gofer_config_overrides %s): '10 minutes' is not a duration"
                                   % (variable, key))


def test_good_durations_in_role_variables_render_as_seconds():
    placed = tomllib.loads(render_role_template(gofer_scheduler_docker_timeout='10m', gofer_api_event_prune_interval=60))
    assert placed['scheduler']['docker']['timeout'] == 600 and placed['api']['event_prune_interval'] == 60


@pytest.mark.parametrize('value', [0, 1, 59, 60, 90, 300, 3600, 86400, 604800, 15768000, 1209601])
def test_format_duration_round_trips_through_seconds(value):
    from ansible_collections.gofer.gofer.plugins.plugin_utils._duration import format_duration
    assert seconds(format_duration(value)) == value


@pytest.mark.parametrize('value,expected', [
    (True, True), ('yes', True), ('on', True), ('true', True), ('1', True), (1, True),
    (False, False), ('no', False), ('off', False), ('false', False), ('0', False), (0, False),
])
def test_as_bool_reads_what_ansible_reads(value, expected):
    assert FILTERS['as_bool'](value, 'gofer_x') is expected


@pytest.mark.parametrize('value', ['maybe', '', 'yes please', 2, 1.5, [True]])
def test_as_bool_refuses_the_rest_naming_the_variable(value):
    with pytest.raises(AnsibleFilterError, match='^gofer_x: .* is not a boolean'):
        FILTERS['as_bool'](value, 'gofer_x')


@pytest.mark.parametrize('value,expected', [(200, 200), ('200', 200), (' 7 ', 7), (0, 0), ('0', 0)])
def test_as_int_reads_integers_and_digit_strings(value, expected):
    assert FILTERS['as_int'](value, 'gofer_x') == expected


@pytest.mark.parametrize('value', [True, '5m', '-1', '1.5', 1.5, '', '9' * 30, None])
def test_as_int_refuses_the_rest_naming_the_variable(value):
    with pytest.raises(AnsibleFilterError, match='^gofer_x: .* is not a whole number'):
        FILTERS['as_int'](value, 'gofer_x')


def test_unknown_variables_name_the_typo_and_the_closest_known_name():
    found = FILTERS['unknown_variables'](['gofer_api_log_levl', 'gofer_api_log_level', 'gofer_version',
                                          'gofer_site_thing'])
    assert found == [
        'gofer_api_log_levl is not a variable of the role gofer.gofer.server, so it has no effect. Did you mean '
        'gofer_api_log_level (it sets api.log_level)?',
        'gofer_site_thing is not a variable of the role gofer.gofer.server, so it has no effect.',
    ]


def test_the_published_result_is_not_an_unknown_variable():
    assert FILTERS['unknown_variables'](['gofer_server_result', 'gofer_config_overrides']) == []


# -- releases and layers (#12, #13) ---------------------------------------------------------------------------

def test_schema_keys_follow_the_release():
    assert 'object_store.sqlite.path' in FILTERS['schema_keys']('0.7.3')
    assert 'object_store.sqlite.path' not in FILTERS['schema_keys']('0.9.1')
    assert FILTERS['schema_keys']('latest')['object_store.run_object_expiry'] == 2
    assert FILTERS['schema_keys'](None) == FILTERS['schema_keys']('0.7')
    with pytest.raises(AnsibleFilterError, match='gofer_version: Gofer version "0.5" is not supported'):
        FILTERS['schema_keys']('0.5')


def test_config_overrides_flatten_and_refuse_what_is_not_a_mapping():
    flat = FILTERS['config_overrides']({'api': {'log_level': 'warn'}, 'scheduler': {'docker': {'prune': False}}})
    assert flat == {'api.log_level': 'warn', 'scheduler.docker.prune': False}
    with pytest.raises(AnsibleFilterError, match='gofer_config_overrides: .* is not a mapping'):
        FILTERS['config_overrides'](['api'])


def test_version_variables_carry_a_renamed_key_and_refuse_two_values(monkeypatch):
    seen = []
    monkeypatch.setattr('ansible.utils.display.Display.deprecated', lambda self, msg, **kw: seen.append(msg))
    version_variables = FILTERS['version_variables']
    assert version_variables({'gofer_api_run_parallelism_limit': 150}, 'latest') == []
    assert 'renamed to api.pipeline_run_concurrency_limit' in seen[0]
    assert 'Rename the variable to gofer_api_pipeline_run_concurrency_limit' in seen[0]
    errors = version_variables({'gofer_api_run_parallelism_limit': 150,
                                'gofer_api_pipeline_run_concurrency_limit': 90}, 'latest')
    assert errors and 'are both set, to different values' in errors[0]
    assert version_variables({}, '0.6') == ['gofer_version: Gofer version "0.6" is not supported; give a release line '
                                            '(0.7, 0.8, 0.9, latest) or a release of one, such as "0.9.1".']


def test_version_variables_warn_about_keys_the_release_does_not_read(monkeypatch):
    seen = []
    monkeypatch.setattr('ansible.utils.display.Display.warning', lambda self, msg, **kw: seen.append(msg))
    version_variables = FILTERS['version_variables']
    assert version_variables({'gofer_object_store_sqlite_path': '/srv/o.db'}, '0.9.1') == []
    assert 'gofer_object_store_sqlite_path sets object_store.sqlite.path, which Gofer v0.9 (gofer_version) does not ' \
           'read' in seen[0]
    seen.clear()
    assert version_variables({'gofer_object_store_sqlite_path': '/var/lib/gofer/objects.db'}, '0.9.1') == []
    assert seen == [], 'the role default is no sign of a user setting'


def test_overrides_with_a_key_no_release_reads_are_an_error_with_the_closest_key(monkeypatch):
    seen = []
    monkeypatch.setattr('ansible.utils.display.Display.warning', lambda self, msg, **kw: seen.append(msg))
    errors = FILTERS['version_variables']({'gofer_config_overrides': {'api': {'log_levl': 'x'}}}, '0.9.1')
    assert errors == ['gofer_config_overrides: api.log_levl is not a key of the Gofer config, so it would have no '
                      'effect. Did you mean api.log_level?']
    assert FILTERS['version_variables']({'gofer_config_overrides': {'object_store': {'sqlite': {'path': '/x'}}}},
                                        '0.9.1') == []
    assert 'object_store.sqlite.path is not read by Gofer v0.9' in seen[0]
