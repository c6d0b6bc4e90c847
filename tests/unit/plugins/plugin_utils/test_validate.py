# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import contextlib
import os
import signal

import pytest

try:
    import tomllib
except ImportError:
    import tomli as tomllib

from ansible_collections.gofer.gofer.plugins.plugin_utils import _paths
from ansible_collections.gofer.gofer.plugins.module_utils import _schema
from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import ERROR, WARNING, validate

KEY = '0123456789abcdef0123456789abcdef'

# A production config: everything explicit, nothing insecure inherited.
GOOD = '''
[api]
log_level = "info"
task_execution_logs_dir = "/var/lib/gofer/logs"
[server]
bind_address = "0.0.0.0:8080"
extension_address = "172.17.0.1:8080"
storage_path = "/var/lib/gofer/gofer.db"
[development]
pretty_logging = false
bypass_auth = false
use_included_certs = false
[external_events]
bind_address = "0.0.0.0:8081"
[scheduler]
engine = "docker"
[scheduler.docker]
prune = false
prune_interval = 604800
timeout = 300
[object_store]
engine = "sqlite"
[object_store.sqlite]
path = "/var/lib/gofer/objects.db"
[secret_store]
engine = "sqlite"
[secret_store.sqlite]
path = "/var/lib/gofer/secrets.db"
encryption_key = "%s"
''' % KEY


def config_with(overrides):
    """GOOD with some keys replaced: overrides maps 'section.key' (or 'a.b.c') to a TOML value literal."""
    config = tomllib.loads(GOOD)
    for path, literal in overrides.items():
        parts = path.split('.')
        node = config
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if literal is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = tomllib.loads('v = %s' % literal)['v']
    return config


def findings(overrides=None, raw=None, **kwargs):
    config = tomllib.loads(raw) if raw is not None else config_with(overrides or {})
    return validate(config, **kwargs)


def only(found, level):
    return [f for f in found if f.level == level]


def assert_finding(found, level, key, *fragments):
    matches = [f for f in found if f.level == level and f.key == key]
    assert matches, 'no %s for %s in %r' % (level, key, found)
    text = ' '.join(f.message for f in matches)
    for fragment in fragments:
        assert fragment in text, '%r not in %r' % (fragment, text)
    assert all(f.message.startswith(key + ': ') for f in matches)


def test_good_config_has_no_findings():
    assert findings() == []


def test_schema_defaults_match_gofer_default_file():
    here = os.path.dirname(__file__)
    with open(os.path.join(here, '..', '..', 'fixtures', 'default_api_config.v0.7.3.toml'), 'rb') as f:
        gofer_defaults = tomllib.load(f)
    # The two keys Gofer's file carries but never deserializes (docs/gofer-behaviour.md §1; Gofer's v0.7.3 default file).
    del gofer_defaults['api']['admin_key']
    del gofer_defaults['server']['shutdown_timeout']
    assert _schema.defaults_tree('0.7') == gofer_defaults


def test_gofer_default_file_is_refused_as_insecure():
    here = os.path.dirname(__file__)
    with open(os.path.join(here, '..', '..', 'fixtures', 'default_api_config.v0.7.3.toml'), 'rb') as f:
        found = validate(tomllib.load(f))
    assert {f.key for f in only(found, ERROR)} == {
        'secret_store.sqlite.encryption_key', 'development.bypass_auth', 'development.use_included_certs'}
    assert_finding(found, WARNING, 'api.admin_key', 'never reads it')
    assert_finding(found, WARNING, 'server.shutdown_timeout', 'never reads it')


# -- unknown keys and names -----------------------------------------------------

@pytest.mark.parametrize('raw,key,fragment', [
    ('[serverr]\nbind_address = "0.0.0.0:8080"', 'serverr', 'Did you mean server?'),
    ('[development]\npretty_loging = false', 'development.pretty_loging',
     'Did you mean development.pretty_logging?'),
    ('[api]\nnonsense_option = 1', 'api.nonsense_option', 'silently ignores it'),
    ('[server]\nhost = "0.0.0.0:8080"', 'server.host', 'Did you mean server.bind_address?'),
    ('[external_events]\nhost = "0.0.0.0:8081"', 'external_events.host',
     'Did you mean external_events.bind_address?'),
    ('[extensions]\ninstall_base_extensions = true', 'extensions.install_base_extensions',
     'Did you mean extensions.install_std_extensions?'),
    ('[api]\ntask_execution_log_expiry = 20', 'api.task_execution_log_expiry',
     'Did you mean api.task_execution_log_retention?'),
    ('[development]\nuse_localhost_tls = false', 'development.use_localhost_tls',
     'Did you mean development.use_included_certs?'),
    ('[external_events_api]\nenable = true', 'external_events_api', 'Did you mean external_events?'),
    ('[development]\ndefault_encryption = false', 'development.default_encryption', 'no Gofer version reads it'),
    ('[api]\nglobal_run_concurrency_limit = 2000', 'api.global_run_concurrency_limit', 'exists only in Gofer'),
    ('[api]\npipeline_run_concurrency_limit = 200', 'api.pipeline_run_concurrency_limit',
     'In Gofer v0.7 use api.run_parallelism_limit'),
    ('[object_store.filesystem]\npath = "/var/lib/gofer/objects"', 'object_store.filesystem', 'v0.9.0'),
])
def test_unknown_and_misnamed_keys_are_errors(raw, key, fragment):
    config = tomllib.loads(GOOD)
    extra = tomllib.loads(raw)
    for section, table in extra.items():
        config.setdefault(section, {}).update(table)
    found = validate(config)
    assert_finding(found, ERROR, key, fragment)


def test_keys_gofer_never_reads_are_warnings():
    found = findings({'api.admin_key': '"test"', 'server.shutdown_timeout': '15'})
    assert only(found, ERROR) == []
    assert_finding(found, WARNING, 'api.admin_key', 'never reads it')
    assert_finding(found, WARNING, 'server.shutdown_timeout', 'never reads it')


def test_section_given_as_value_is_an_error():
    found = findings({'scheduler.docker': '5'})
    assert_finding(found, ERROR, 'scheduler.docker', 'found integer 5', '[scheduler.docker]')


# -- types ------------------------------------------------------------------------

@pytest.mark.parametrize('key,literal,fragments', [
    ('api.event_log_retention', '"4380h"', ['takes whole seconds', 'Write 15768000']),
    ('api.task_execution_stop_timeout', '"5m"', ['takes whole seconds', 'Write 300']),
    ('api.event_prune_interval', '"3h"', ['Write 10800']),
    ('scheduler.docker.prune_interval', '"24h"', ['Write 86400']),
    ('extensions.stop_timeout', '"1w"', ['Write 604800']),
    ('api.run_parallelism_limit', '"200"', ['Write 200 without quotes']),
    ('api.run_parallelism_limit', '200.0', ['found float 200.0', 'Write 200']),
    ('api.run_parallelism_limit', '1.5', ['found float 1.5', 'Write a whole number']),
    ('api.task_execution_log_retention', '-1', ['negative']),
    ('api.task_execution_log_retention', 'true', ['found boolean true']),
    ('object_store.run_object_expiry', '"ten"', ['Write a whole number']),
    ('development.bypass_auth', '"false"', ['found string "false"', 'Write false without quotes']),
    ('development.pretty_logging', '0', ['found integer 0', 'Write true or false']),
    ('api.log_level', '3', ['found integer 3', 'reads a string']),
    ('server.bind_address', '8080', ['found integer 8080']),
    ('secret_store.sqlite.path', '["a"]', ['found an array']),
])
def test_wrong_types_are_errors(key, literal, fragments):
    assert_finding(findings({key: literal}), ERROR, key, *fragments)


def test_wrong_type_suppresses_follow_up_checks():
    found = findings({'scheduler.docker.timeout': '"10"'})
    assert [f.key for f in only(found, ERROR)] == ['scheduler.docker.timeout']


# -- enums --------------------------------------------------------------------------

@pytest.mark.parametrize('key,literal,fragment', [
    ('scheduler.engine', '"Docker"', 'case-sensitively'),
    ('scheduler.engine', '"kubernetes"', 'accepts only "docker"'),
    ('scheduler.engine', '0', 'accepts only the string "docker"'),
    ('object_store.engine', '"SQLite"', 'Write "sqlite"'),
    ('object_store.engine', '"filesystem"', 'only from v0.9.0'),
    ('secret_store.engine', '"vault"', 'accepts only "sqlite"'),
])
def test_enums_are_exact(key, literal, fragment):
    assert_finding(findings({key: literal}), ERROR, key, fragment)


# -- addresses ----------------------------------------------------------------------

@pytest.mark.parametrize('value', ['0.0.0.0:8080', '172.17.0.1:8080', '[::]:8080', '0.0.0.0:08080'])
def test_valid_bind_addresses(value):
    assert findings({'server.bind_address': '"%s"' % value}) == []


@pytest.mark.parametrize('value,fix', [
    ('localhost:8080', '"127.0.0.1:8080"'),
    (':8080', '"0.0.0.0:8080"'),
    ('0.0.0.0', '"0.0.0.0:8080"'),
    ('::1:8080', '"[::]:8080"'),
    ('127.0.0.1:65536', '"127.0.0.1:8080"'),
    (' 0.0.0.0:8080', '"0.0.0.0:8080"'),
    ('256.1.1.1:80', '"0.0.0.0:80"'),
])
def test_bad_server_bind_address(value, fix):
    assert_finding(findings({'server.bind_address': '"%s"' % value}), ERROR, 'server.bind_address',
                   'is not IP:port', 'refuses host names, so it fails to start', fix)


@pytest.mark.parametrize('value', ['127.0.0.1:8080', '[::1]:8080'])
def test_loopback_bind_address_is_unreachable_for_extensions(value):
    found = findings({'server.bind_address': '"%s"' % value})
    assert only(found, ERROR) == []
    assert_finding(found, WARNING, 'server.bind_address', 'loopback only', 'extension_address "172.17.0.1:8080"')
    assert findings({'server.bind_address': '"%s"' % value,
                     'server.extension_address': '"127.0.0.1:8080"'}) == []


def test_bad_external_events_bind_address_says_gofer_is_silent():
    assert_finding(findings({'external_events.bind_address': '"localhost:8081"'}), ERROR,
                   'external_events.bind_address', 'drops the error silently')


@pytest.mark.parametrize('server,events', [
    ('0.0.0.0:8080', '0.0.0.0:8080'),
    ('127.0.0.1:8080', '0.0.0.0:8080'),
    ('0.0.0.0:9000', '10.0.0.1:9000'),
    ('[::]:8080', '127.0.0.1:8080'),
])
def test_colliding_bind_addresses(server, events):
    found = findings({'server.bind_address': '"%s"' % server, 'external_events.bind_address': '"%s"' % events,
                      'server.extension_address': '"172.17.0.1:%s"' % server.rsplit(':', 1)[1]})
    assert_finding(found, ERROR, 'external_events.bind_address', 'collides with server.bind_address')


def test_same_port_on_distinct_addresses_does_not_collide():
    assert findings({'server.bind_address': '"172.17.0.1:8080"',
                     'external_events.bind_address': '"127.0.0.2:8080"'}) == []


@pytest.mark.parametrize('value,fragment', [
    ('http://172.17.0.1:8080', 'has a scheme'),
    ('https://gofer.example.com:8080', 'has a scheme'),
    ('172.17.0.1', 'is not host:port'),
    ('172.17.0.1:8080/api', 'is not host:port'),
    ('gofer.internal:99999', 'is not host:port'),
])
def test_bad_extension_address(value, fragment):
    assert_finding(findings({'server.extension_address': '"%s"' % value}), ERROR, 'server.extension_address',
                   fragment)


def test_extension_address_with_host_name_is_fine_but_port_mismatch_warns():
    assert findings({'server.extension_address': '"gofer.internal:8080"'}) == []
    assert_finding(findings({'server.extension_address': '"172.17.0.1:9090"'}), WARNING,
                   'server.extension_address', 'differs from the port of server.bind_address (8080)')


# -- log level ----------------------------------------------------------------------

@pytest.mark.parametrize('value', ['debug', 'info', 'warn', 'error'])
def test_log_levels_everyone_understands(value):
    assert findings({'api.log_level': '"%s"' % value}) == []


@pytest.mark.parametrize('value', ['INFO', 'trace', 'off', '3'])
def test_log_levels_only_the_server_understands_warn(value):
    found = findings({'api.log_level': '"%s"' % value})
    assert only(found, ERROR) == []
    assert_finding(found, WARNING, 'api.log_level', 'extensions')


@pytest.mark.parametrize('value', ['warning', 'fatal', '6'])
def test_log_levels_gofer_refuses(value):
    assert_finding(findings({'api.log_level': '"%s"' % value}), ERROR, 'api.log_level',
                   'could not parse \'log_level\' configuration')


def test_empty_log_level_is_refused_saying_what_gofer_really_does():
    # Ground truth §9: the real v0.7.3 starts with log_level = "" and logs at error level only.
    found = findings({'api.log_level': '""'})
    assert_finding(found, ERROR, 'api.log_level', 'Gofer starts but logs at error level only')
    assert 'fails to start' not in ' '.join(f.message for f in found)


@pytest.mark.parametrize('key', ['server.bind_address', 'external_events.bind_address'])
def test_port_zero_is_refused(key):
    # Ground truth §9: with port 0 the real v0.7.3 listens on a random port.
    found = findings({key: '"0.0.0.0:0"'})
    assert_finding(found, ERROR, key, 'has port 0', 'a port the kernel picks at random')
    assert ':0"' not in ' '.join(f.message.split('Use a fixed port')[-1] for f in found)


def test_the_fix_for_a_bad_address_never_suggests_port_zero():
    found = findings({'server.bind_address': '"localhost:0"'})
    assert_finding(found, ERROR, 'server.bind_address', '"127.0.0.1:8080"')


# -- encryption key -----------------------------------------------------------------

def test_public_default_key_is_an_error_when_set_or_inherited():
    assert_finding(findings({'secret_store.sqlite.encryption_key': '"changemechangemechangemechangeme"'}),
                   ERROR, 'secret_store.sqlite.encryption_key', 'public default key')
    found = findings({'secret_store.sqlite.encryption_key': None})
    assert_finding(found, ERROR, 'secret_store.sqlite.encryption_key', 'public default key', 'left out')


@pytest.mark.parametrize('value,fragment', [
    ('a' * 31, 'is 31 bytes; Gofer refuses to start'),
    ('a' * 33, 'is 33 bytes; Gofer starts, but every secret read or write fails'),
    ('\u00e9' * 32, 'is 64 bytes in UTF-8 (32 characters)'),
])
def test_key_must_be_exactly_32_bytes(value, fragment):
    found = findings({'secret_store.sqlite.encryption_key': '"%s"' % value})
    assert_finding(found, ERROR, 'secret_store.sqlite.encryption_key', fragment)
    assert all(value not in f.message for f in found), 'the key leaked into a message'


def test_32_bytes_of_multibyte_text_is_fine():
    assert findings({'secret_store.sqlite.encryption_key': '"%s"' % ('\u00e9' * 16)}) == []


# -- timeouts and intervals ---------------------------------------------------------

def test_docker_timeout_zero():
    assert_finding(findings({'scheduler.docker.timeout': '0'}), ERROR, 'scheduler.docker.timeout', 'is 0')


@pytest.mark.parametrize('other', ['api.task_execution_stop_timeout', 'extensions.stop_timeout'])
def test_docker_timeout_below_stop_timeouts(other):
    found = findings({'scheduler.docker.timeout': '200', other: '600'})
    assert_finding(found, ERROR, 'scheduler.docker.timeout', '200 is smaller than %s (600)' % other,
                   'at least 600')


def test_docker_timeout_equal_to_stop_timeout_is_fine():
    assert findings({'scheduler.docker.timeout': '600', 'api.task_execution_stop_timeout': '600',
                     'extensions.stop_timeout': '600'}) == []


@pytest.mark.parametrize('key', ['scheduler.docker.prune_interval', 'api.event_prune_interval'])
def test_zero_prune_intervals(key):
    assert_finding(findings({key: '0'}), ERROR, key, 'is 0')


def test_prune_on_warns_that_it_removes_every_stopped_container():
    assert_finding(findings({'scheduler.docker.prune': 'true'}), WARNING, 'scheduler.docker.prune',
                   'every stopped container on the host')


# -- insecure development settings --------------------------------------------------

@pytest.mark.parametrize('key', ['development.bypass_auth', 'development.use_included_certs'])
def test_insecure_development_settings(key):
    assert_finding(findings({key: 'true'}), ERROR, key, 'is true')
    assert_finding(findings({key: None}), ERROR, key, 'left out, so Gofer uses its built-in default')
    allowed = findings({key: 'true'}, allow_insecure=True)
    assert only(allowed, ERROR) == []
    assert_finding(allowed, WARNING, key, 'opted in')


# -- TLS ----------------------------------------------------------------------------

def test_server_use_tls_serves_the_embedded_expired_certificate():
    found = findings({'server.use_tls': 'true', 'external_events.use_tls': 'false',
                      'external_events.tls_cert_path': '"/etc/gofer/tls/e.crt"',
                      'external_events.tls_key_path': '"/etc/gofer/tls/e.key"'})
    assert_finding(found, ERROR, 'server.use_tls', 'embedded localhost certificate', 'reverse proxy')
    assert [f.key for f in only(found, ERROR)] == ['server.use_tls']


def test_server_tls_paths_are_never_read():
    found = findings({'server.tls_cert_path': '"/etc/gofer/tls/s.crt"',
                      'server.tls_key_path': '"/etc/gofer/tls/s.key"'})
    assert_finding(found, WARNING, 'server.tls_cert_path', 'never read')
    assert_finding(found, WARNING, 'server.tls_key_path', 'never read')


def test_external_events_tls_without_server_tls_is_plain_http():
    found = findings({'external_events.use_tls': 'true'})
    assert_finding(found, WARNING, 'external_events.use_tls', 'plain HTTP')


def test_external_events_files_required_when_gofer_reads_them():
    found = findings({'server.use_tls': 'true', 'external_events.use_tls': 'false'}, allow_insecure=True)
    assert_finding(found, ERROR, 'external_events.tls_cert_path', 'is not set')
    assert_finding(found, ERROR, 'external_events.tls_key_path', 'is not set')


def test_external_events_use_tls_with_server_tls_serves_embedded_cert():
    found = findings({'server.use_tls': 'true', 'external_events.use_tls': 'true'})
    assert_finding(found, ERROR, 'external_events.use_tls', 'embedded, expired')


def test_extension_tls_files_required_without_included_certs():
    found = findings({'extensions.use_tls': 'true', 'extensions.verify_certs': 'true'})
    assert_finding(found, ERROR, 'extensions.tls_cert_path', 'Could not load extension TLS keys')
    assert_finding(found, ERROR, 'extensions.tls_key_path', 'is not set')
    assert_finding(found, WARNING, 'extensions.use_tls', 'https://')


def test_extension_tls_without_verification_warns():
    found = findings({'extensions.use_tls': 'true', 'extensions.tls_cert_path': '"/etc/gofer/x.crt"',
                      'extensions.tls_key_path': '"/etc/gofer/x.key"'})
    assert only(found, ERROR) == []
    assert_finding(found, WARNING, 'extensions.verify_certs', 'accepts any certificate')


def test_extension_tls_files_unused_when_tls_off():
    found = findings({'extensions.tls_cert_path': '"/etc/gofer/x.crt"'})
    assert_finding(found, WARNING, 'extensions.use_tls', 'never reads')


# -- paths --------------------------------------------------------------------------

@pytest.mark.parametrize('key', ['server.storage_path', 'secret_store.sqlite.path', 'object_store.sqlite.path',
                                 'api.task_execution_logs_dir'])
def test_relative_paths(key):
    assert_finding(findings({key: '"data/gofer.db"'}), ERROR, key, 'not an absolute path')


@pytest.mark.parametrize('char', ['?', '%', '#'])
@pytest.mark.parametrize('key', ['server.storage_path', 'secret_store.sqlite.path', 'object_store.sqlite.path'])
def test_sqlite_path_characters(key, char):
    assert_finding(findings({key: '"/var/lib/gofer/a%sb.db"' % char}), ERROR, key, '"%s"' % char,
                   'sqlite opens it as a URI')


def test_tmp_paths_warn():
    assert_finding(findings({'server.storage_path': '"/tmp/gofer.db"'}), WARNING, 'server.storage_path',
                   'lost on reboot')


def test_shared_sqlite_file_warns():
    found = findings({'object_store.sqlite.path': '"/var/lib/gofer/gofer.db"'})
    assert_finding(found, WARNING, 'server.storage_path', 'same file as object_store.sqlite.path')


# -- retention and unused settings --------------------------------------------------

def test_event_log_retention_that_underflows():
    assert_finding(findings({'api.event_log_retention': '2000000000'}), ERROR, 'api.event_log_retention',
                   'underflows')


@pytest.mark.parametrize('key', ['api.task_execution_log_retention', 'object_store.run_object_expiry'])
def test_zero_retention_warns(key):
    assert_finding(findings({key: '0'}), WARNING, key, 'current run')


@pytest.mark.parametrize('key,literal', [
    ('extensions.install_std_extensions', 'false'),
    ('external_events.enable', 'false'),
    ('server.url', '"https://gofer.example.com"'),
    ('api.pipeline_version_retention', '3'),
])
def test_unused_settings_changed_from_default_warn(key, literal):
    found = findings({key: literal})
    assert only(found, ERROR) == []
    assert_finding(found, WARNING, key, 'does not use this setting')


def test_unused_settings_at_their_default_are_silent():
    assert findings({'extensions.install_std_extensions': 'true', 'external_events.enable': 'true'}) == []


def test_unknown_version():
    with pytest.raises(ValueError, match='not supported'):
        validate({}, version='0.6')


# -- hostile and odd input: errors, never exceptions; secrets never echoed --------------

@pytest.mark.parametrize('literal', ['inf', '-inf', 'nan', '+nan', '1e400'])
def test_non_finite_floats_where_an_integer_belongs(literal):
    assert_finding(findings({'scheduler.docker.timeout': literal}), ERROR, 'scheduler.docker.timeout',
                   'found float', 'Write a whole number')


def test_an_integer_of_thousands_of_digits_is_an_error_not_an_exception():
    config = config_with({})
    config['api']['run_parallelism_limit'] = 10 ** 5000
    found = validate(config)
    assert_finding(found, ERROR, 'api.run_parallelism_limit', 'an integer too large to show')


@pytest.mark.parametrize('raw', [
    '[secret_store]\nsqlite = "%s"\n',
    '[secret_store]\nengine = "%s"\n',
    '[secret_store.sqlite]\npath = "/var/lib/gofer/s.db"\nencryption_key = ["%s"]\n',
    '[secret_store.sqlite]\npath = "/var/lib/gofer/s.db"\nencryption_key = {k = "%s"}\n',
    '[secret_store.sqlite]\npath = "/var/lib/gofer/s.db"\nencryptionkey = "%s"\n',
])
def test_values_under_secret_store_are_never_echoed(raw):
    found = validate(tomllib.loads(GOOD.split('[secret_store', maxsplit=1)[0] + raw % 'NEVERSHOWNSECRETVALUE'))
    assert found, 'each of these is a finding'
    assert all('NEVERSHOWNSECRETVALUE' not in f.message for f in found)


@pytest.mark.parametrize('value,fragment', [
    ('/var/lib/gofer/a\\u0000b.db', 'control character'),
    ('/var/lib/gofer/a\\nb.db', 'control character'),
    ('/', 'names a directory, not a file'),
    ('/var/lib/gofer/', 'names a directory, not a file'),
    ('/var/lib/gofer/..', 'names a directory, not a file'),
])
def test_sqlite_paths_that_cannot_be_a_database_file(value, fragment):
    assert_finding(findings({'server.storage_path': '"%s"' % value}), ERROR, 'server.storage_path', fragment)


def test_a_sqlite_path_that_this_config_makes_a_directory_is_an_error():
    # Ground truth §9: a sqlite path that is a directory makes the real v0.7.3 panic (exit 101).
    found = findings({'server.storage_path': '"/var/lib/gofer"', 'object_store.sqlite.path': '"/var/lib/gofer/o.db"'})
    assert_finding(found, ERROR, 'server.storage_path', 'also a directory this config needs',
                   'object_store.sqlite.path')
    found = findings({'server.storage_path': '"/var/lib/gofer/logs"',
                      'api.task_execution_logs_dir': '"/var/lib/gofer/logs"'})
    assert_finding(found, ERROR, 'server.storage_path', 'api.task_execution_logs_dir')


@contextlib.contextmanager
def deadline(seconds):
    """Fail, instead of hanging, when the body runs longer than seconds."""
    def expired(_signum, _frame):
        raise AssertionError('still running after %s s' % seconds)
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize('key,value,clash,refused', [
    ('server.storage_path', '//var/lib/gofer/x.db', {'object_store.sqlite.path': '"/var/lib/gofer/x.db/o.db"'},
     'server.storage_path'),
    ('object_store.sqlite.path', '//var/lib/gofer/o.db', {'server.storage_path': '"/var/lib/gofer/o.db/g.db"'},
     'object_store.sqlite.path'),
    ('api.task_execution_logs_dir', '//var/lib/gofer/logs', {'server.storage_path': '"/var/lib/gofer/logs"'},
     'server.storage_path'),
])
def test_a_path_with_two_leading_slashes_is_validated_as_the_same_path_with_one(key, value, clash, refused):
    # Linux reads "//var/lib/gofer" as "/var/lib/gofer"; the validator used to loop on "//" while memory grew.
    with deadline(5):
        assert findings({key: '"%s"' % value}) == []
        found = findings(dict(clash, **{key: '"%s"' % value}))
    errors = only(found, ERROR)
    assert len(errors) == 1, found
    assert_finding(errors, ERROR, refused, 'is also a directory this config needs')


def test_the_paths_of_a_config_with_two_leading_slashes_are_normalised():
    effective = {'server.storage_path': '//var/lib/gofer/gofer.db', 'api.task_execution_logs_dir': '//var/log//gofer/',
                 'secret_store.sqlite.path': '///srv/s.db'}
    with deadline(5):
        assert _paths.data_dirs(effective) == {'/var/lib/gofer': ['server.storage_path'], '/srv':
                                               ['secret_store.sqlite.path'], '/var/log/gofer':
                                               ['api.task_execution_logs_dir']}
        assert [f['path'] for f in _paths.sqlite_files(effective)] == ['/var/lib/gofer/gofer.db', '/srv/s.db']


def test_integers_beyond_toml_range():
    assert_finding(findings({'api.run_parallelism_limit': str(2 ** 63)}), ERROR, 'api.run_parallelism_limit',
                   'does not fit in a TOML integer')


@pytest.mark.parametrize('value,fragment', [
    ('/' + 'x' * 256, 'name of 256 bytes'),
    ('/a' * 2100, 'is 4200 bytes long'),
])
def test_paths_linux_cannot_create(value, fragment):
    found = findings({'server.storage_path': '"%s"' % value})
    assert_finding(found, ERROR, 'server.storage_path', fragment, 'Use a shorter path')
    assert all(len(f.message) < 400 for f in found), 'long values are cut in messages'


def test_long_and_multiline_values_are_cut_and_escaped_in_messages():
    found = findings({'api.log_level': '"%s"' % ('x' * 100000)})
    assert_finding(found, ERROR, 'api.log_level', '... (100000 characters)')
    assert len(found[0].message) < 400
    found = findings({'api.log_level': '"info\\n[development]\\nbypass_auth = true"'})
    assert '\n' not in found[0].message
