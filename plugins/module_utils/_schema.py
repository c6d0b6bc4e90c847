# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Gofer server configuration schema, as data.

PRIVATE to the gofer.gofer collection; do not import it from other collections.

This is the single source of truth for what the Gofer server reads from
/etc/gofer/gofer_web.toml. The validator, the docs reference, the role's
defaults and argument specs are all checked against it. Every fact comes from
the Gofer source at the tag named in SOURCE (see docs/gofer-behaviour.md).
"""

from __future__ import annotations

import re

# Value types, as Gofer's strict serde/figment extraction sees them.
BOOL = 'bool'
U64 = 'u64'        # non-negative TOML integer; no strings, floats or booleans
STRING = 'string'
ENUM = 'enum'      # serde unit enum: exact, case-sensitive strings

# String formats the validator knows how to check.
SOCKET_ADDR = 'socket_addr'  # std::net::SocketAddr: IPv4:port or [IPv6]:port
HOST_PORT = 'host_port'      # host:port without a scheme
SQLITE_FILE = 'sqlite_file'  # a file sqlite opens; parent dir must exist
DIRECTORY = 'directory'
FILE = 'file'
LOG_LEVEL = 'log_level'
ENCRYPTION_KEY = 'encryption_key'


def _key(type_, default, description, unit=None, used=True, choices=None,
         fmt=None, secret=False, optional=False):
    return {
        'type': type_,
        'default': default,        # None with optional=True: Option<T>, absent
        'description': description,
        'unit': unit,              # 'seconds' or 'runs' for integers
        'used': used,              # False: deserialized but never read by the server
        'choices': choices,
        'format': fmt,
        'secret': secret,
        'optional': optional,
    }


V0_7_KEYS = {
    # [api] conf/api.rs:20-56
    'api.ignore_pipeline_run_events': _key(
        BOOL, False,
        'When true the server refuses new run requests. There is no runtime toggle in v0.7.'),
    'api.run_parallelism_limit': _key(
        U64, 200,
        'Caps a pipeline\'s own parallelism setting. It is not applied to pipelines that set no limit '
        '(a pipeline parallelism of 0 stays unlimited).'),
    'api.pipeline_version_retention': _key(
        U64, 10, 'Deserialized but never read by the server.', used=False),
    'api.event_log_retention': _key(
        U64, 15768000,
        'How long events are kept before the prune loop deletes them. Values above about 1.7e9 '
        'underflow Gofer\'s cut-off arithmetic and expire every event.', unit='seconds'),
    'api.event_prune_interval': _key(
        U64, 604800, 'Pause between event prune passes. 0 is a busy loop.', unit='seconds'),
    'api.log_level': _key(
        STRING, 'info',
        'Server log level, parsed by tracing\'s LevelFilter (off, error, warn, info, debug, trace, or 0-5, '
        'case-insensitive). The same string is handed to extensions, which understand only lowercase '
        'debug, info, warn and error.', fmt=LOG_LEVEL),
    'api.task_execution_log_retention': _key(
        U64, 50,
        'Number of newest runs whose task logs are kept; older runs\' logs are deleted at run start. '
        '0 deletes the current run\'s logs.', unit='runs'),
    'api.task_execution_logs_dir': _key(
        STRING, '/tmp',
        'Directory for task execution log files. Gofer never creates it; if it is missing or not writable '
        'every task\'s logs are lost.', fmt=DIRECTORY),
    'api.task_execution_stop_timeout': _key(
        U64, 300,
        'Grace period when stopping a task container before it is killed. 0 kills at once.', unit='seconds'),

    # [server] conf/api.rs:103-128
    'server.url': _key(STRING, 'http://localhost:8080', 'Deserialized but never read by the server.',
                       used=False),
    'server.bind_address': _key(
        STRING, '0.0.0.0:8080',
        'Address of the main API, parsed as a socket address: IPv4:port or [IPv6]:port. Host names such '
        'as localhost are refused.', fmt=SOCKET_ADDR),
    'server.extension_address': _key(
        STRING, '172.17.0.1:8080',
        'host:port (no scheme) that extension containers use to call the server; extensions prepend '
        'http:// or https:// according to extensions.use_tls. It must be reachable from containers.',
        fmt=HOST_PORT),
    'server.storage_path': _key(
        STRING, '/tmp/gofer.db',
        'Main sqlite database. Gofer creates the file but not its directory, and panics when the '
        'directory is missing.', fmt=SQLITE_FILE),
    'server.storage_results_limit': _key(U64, 200, 'Deserialized but never read by the server.',
                                         used=False),
    'server.use_tls': _key(
        BOOL, False,
        'Turns on TLS for the main API and the external events server. Because of a Gofer bug the main '
        'API then always serves the embedded localhost certificate, which expired on 2025-04-21.'),
    'server.tls_cert_path': _key(
        STRING, None, 'Never read by any Gofer version (the main API always uses the embedded certificate).',
        used=False, optional=True, fmt=FILE),
    'server.tls_key_path': _key(
        STRING, None, 'Never read by any Gofer version (the main API always uses the embedded key).',
        used=False, optional=True, fmt=FILE),

    # [development] conf/api.rs:58-68; the built-in defaults are insecure
    'development.pretty_logging': _key(
        BOOL, True, 'true: compact human-readable logs; false: JSON logs.'),
    'development.bypass_auth': _key(
        BOOL, True,
        'When true every request is treated as a management token for all namespaces. The built-in '
        'default is true: a production config must set false.'),
    'development.use_included_certs': _key(
        BOOL, True,
        'Selects the embedded (expired) localhost certificate for extension TLS instead of '
        'extensions.tls_cert_path/tls_key_path. It has no effect on the main API.'),

    # [extensions] conf/api.rs:70-86
    'extensions.install_std_extensions': _key(
        BOOL, True,
        'Ignored before v0.8.4: the cron and interval extensions are always registered.', used=False),
    'extensions.stop_timeout': _key(
        U64, 300, 'Grace period for extension containers at shutdown.', unit='seconds'),
    'extensions.use_tls': _key(
        BOOL, False,
        'Gofer talks https to extensions and hands them a certificate and key; extensions also use it '
        'to pick the scheme for calling back to server.extension_address.'),
    'extensions.tls_cert_path': _key(
        STRING, None,
        'Certificate handed to extensions; read only when extensions.use_tls is true and '
        'development.use_included_certs is false.', optional=True, fmt=FILE),
    'extensions.tls_key_path': _key(
        STRING, None,
        'Private key handed to extensions (as an environment variable, visible in docker inspect); read '
        'only when extensions.use_tls is true and development.use_included_certs is false.',
        optional=True, fmt=FILE),
    'extensions.verify_certs': _key(
        BOOL, False, 'Verify extension certificates when Gofer calls extensions.'),

    # [external_events] conf/api.rs:88-95
    'external_events.enable': _key(
        BOOL, True, 'Ignored before v0.8.4: the external events server always starts.', used=False),
    'external_events.bind_address': _key(
        STRING, '0.0.0.0:8081',
        'Address of the external events (webhook) server, parsed as a socket address. Gofer drops its '
        'errors silently: a bad address or a port clash just leaves webhooks dead.', fmt=SOCKET_ADDR),
    'external_events.use_tls': _key(
        BOOL, False,
        'Does not turn TLS on (server.use_tls does). With server.use_tls true: true serves the embedded '
        'certificate, false serves external_events.tls_cert_path/tls_key_path.'),
    'external_events.tls_cert_path': _key(
        STRING, None,
        'PEM certificate chain for the external events server; read only when server.use_tls is true '
        'and external_events.use_tls is false.', optional=True, fmt=FILE),
    'external_events.tls_key_path': _key(
        STRING, None,
        'PKCS#8 PEM private key (BEGIN PRIVATE KEY) for the external events server; read only when '
        'server.use_tls is true and external_events.use_tls is false.', optional=True, fmt=FILE),

    # [scheduler] conf/api.rs:97-101, scheduler/docker.rs:19-25
    'scheduler.engine': _key(ENUM, 'docker', 'Container scheduler. Only "docker".', choices=['docker']),
    'scheduler.docker.prune': _key(
        BOOL, True,
        'Periodically prune stopped containers. Docker\'s prune takes no filter: it removes every stopped '
        'container on the host, not only Gofer\'s.'),
    'scheduler.docker.prune_interval': _key(
        U64, 604800, 'Pause between container prunes. 0 is a tight loop.', unit='seconds'),
    'scheduler.docker.timeout': _key(
        U64, 300,
        'Timeout of every Docker API request, including stopping containers: it must be at least '
        'api.task_execution_stop_timeout and extensions.stop_timeout. 0 fails start-up.', unit='seconds'),

    # [object_store] conf/api.rs:130-146, object_store/sqlite.rs:9-12
    'object_store.engine': _key(ENUM, 'sqlite', 'Object store engine. Only "sqlite" before v0.9.0.',
                                choices=['sqlite']),
    'object_store.pipeline_object_limit': _key(
        U64, 50, 'Deserialized but never read by the server.', used=False),
    'object_store.run_object_expiry': _key(
        U64, 50,
        'Number of newest runs whose run-level objects are kept. 0 expires the current run\'s objects.',
        unit='runs'),
    'object_store.sqlite.path': _key(
        STRING, '/tmp/gofer_objects.db',
        'Object store sqlite file. Gofer creates the file but not its directory, and panics when the '
        'directory is missing.', fmt=SQLITE_FILE),

    # [secret_store] conf/api.rs:148-153, secret_store/sqlite.rs:17-23
    'secret_store.engine': _key(ENUM, 'sqlite', 'Secret store engine. Only "sqlite".', choices=['sqlite']),
    'secret_store.sqlite.path': _key(
        STRING, '/tmp/gofer_secrets.db',
        'Secret store sqlite file. Gofer creates the file but not its directory, and panics when the '
        'directory is missing.', fmt=SQLITE_FILE),
    'secret_store.sqlite.encryption_key': _key(
        STRING, 'changemechangemechangemechangeme',
        'AES-256-GCM key for every stored secret: exactly 32 bytes (UTF-8 bytes, not characters). It '
        'cannot change once secrets exist. The built-in default is public.', fmt=ENCRYPTION_KEY, secret=True),
}

# Names that no Gofer version reads but that operators will write, with what to say. 'rename': the upstream
# page's name for a real key; 'never_read': in Gofer's own default file but never deserialized; 'gone': the
# upstream page lists it, no version reads it. Names that some releases read and others do not come from CHANGES.
UPSTREAM_NAMES = {
    'external_events_api': {'kind': 'rename', 'to': 'external_events'},
    'server.host': {'kind': 'rename', 'to': 'server.bind_address'},
    'external_events.host': {'kind': 'rename', 'to': 'external_events.bind_address'},
    'extensions.install_base_extensions': {'kind': 'rename', 'to': 'extensions.install_std_extensions'},
    'api.task_execution_log_expiry': {'kind': 'rename', 'to': 'api.task_execution_log_retention'},
    'development.use_localhost_tls': {'kind': 'rename', 'to': 'development.use_included_certs'},
    'development.default_encryption': {'kind': 'gone'},
    'api.admin_key': {'kind': 'never_read'},
    'server.shutdown_timeout': {'kind': 'never_read'},
}

# Where Gofer's upstream configuration reference page is wrong for v0.7.3: (section, the page says,
# the server does). For docs/configuration.md.
V0_7_UPSTREAM_ERRATA = [
    ('intro', '`gofer service start -h` lists the environment variables', 'The command has no flags; nothing is listed.'),
    ('intro', 'a sample file comes from `gofer service init-config`', 'There is no such subcommand.'),
    ('api', '`event_log_retention` is a duration string, default `4380h`',
     'It is an integer number of seconds, default `15768000`; a string stops Gofer at start-up.'),
    ('api', '`event_prune_interval` is a string, default `3h`', 'Integer seconds, default `604800` (1 week).'),
    ('api', '`ignore_pipeline_run_events` can be toggled with `gofer service toggle-event-ingress`',
     'No such command exists in v0.7.'),
    ('api', '`log_level` defaults to `debug`', 'It defaults to `info`.'),
    ('api', '`run_parallelism_limit` defaults to N/A and applies to pipelines without a limit',
     'It defaults to `200` and only caps a pipeline\'s own limit.'),
    ('api', '`task_execution_log_expiry` (int, 20)',
     'The key is `task_execution_log_retention`, default `50`; the page\'s name is ignored.'),
    ('api', '`task_execution_stop_timeout` is a string, default `5m`', 'Integer seconds, default `300`.'),
    ('api', 'the block is called `external_events_api`', 'The section is `[external_events]`.'),
    ('api', 'the example sets `admin_key = "test"`', 'Not a key Gofer reads.'),
    ('development', '`bypass_auth` defaults to false', 'It defaults to **true**: authentication is off.'),
    ('development', '`pretty_logging` defaults to false', 'It defaults to true.'),
    ('development', '`default_encryption` exists', 'No such key.'),
    ('development', '`use_localhost_tls`',
     'The key is `use_included_certs`, default true, and it affects only extension TLS.'),
    ('external_events', '`host` = `localhost:8081`',
     'The key is `bind_address`, default `0.0.0.0:8081`; a host name is not accepted.'),
    ('external_events', '(not listed)', '`use_tls`, `tls_cert_path` and `tls_key_path` exist.'),
    ('object_store', 'sqlite `path` defaults to `/tmp/gofer-object.db`', 'It defaults to `/tmp/gofer_objects.db`.'),
    ('object_store', '"If this file does not exist Gofer will create it"',
     'Gofer creates the file but not its directory; a missing directory makes it panic.'),
    ('secret_store', '`path` defaults to `/tmp/gofer-secret.db`', 'It defaults to `/tmp/gofer_secrets.db`.'),
    ('secret_store', 'the key "MUST be 32 characters"',
     'It must be exactly 32 **bytes**; Gofer checks at least 32 at start-up and fails on every secret when longer.'),
    ('scheduler', '`engine` defaults to `sqlite`', 'It defaults to `docker`, the only accepted value.'),
    ('scheduler', 'docker `prune` defaults to false',
     'It defaults to true, and removes every stopped container on the host.'),
    ('scheduler', 'docker `prune_interval` is a string, default `24h`', 'Integer seconds, default `604800`.'),
    ('scheduler', '(not listed)', 'docker `timeout` exists: integer seconds, default `300`.'),
    ('server', '`host` = `localhost:8080`', 'The key is `bind_address`, default `0.0.0.0:8080`; no host names.'),
    ('server', '`shutdown_timeout` (string, `15s`)', 'Not a key Gofer reads.'),
    ('server', '`tls_cert_path` and `tls_key_path` are required',
     'Optional, and never read: `use_tls = true` always serves an embedded certificate that expired on 2025-04-21.'),
    ('server', '(not listed)', '`url` (unused), `extension_address` and `use_tls` exist.'),
    ('extensions', '`install_base_extensions`', 'The key is `install_std_extensions`, and v0.7 ignores it.'),
    ('extensions', '`stop_timeout` is a string, default `5m`', 'Integer seconds, default `300`.'),
    ('extensions', '`tls_cert_path` and `tls_key_path` are required',
     'Needed only when `use_tls = true` and `development.use_included_certs = false`.'),
]

# The public key Gofer ships in its default file.
PUBLIC_DEFAULT_KEY = 'changemechangemechangemechangeme'

# What changed after v0.7.3, release by release (from `git diff <tag> <tag> -- gofer/src/conf` in Gofer's repository).
# Every later schema is v0.7's keys with the steps up to its release applied, so a change is written once. A step:
#   remove:  {key: (level, why)}: no longer deserialized, so Gofer ignores it silently; 'warning' where the key did
#            nothing anyway or still sits in Gofer's own default file, 'error' where a setting is lost
#   add:     {key: spec}
#   update:  {key: {field: value}}: a changed default, choices or meaning
#   rename:  {old: new}: the same setting under a new name; the old one is ignored
#   migrate: {key: text}: what crossing this step means for the data (a migration finding)
CHANGES = [
    ((0, 8, 0), {
        'remove': {'api.ignore_pipeline_run_events': (
            'warning', 'the setting moved into Gofer\'s database in v0.8.0 and is toggled through the system API; '
                       'Gofer\'s own default file still lists the key, but the server ignores it')},
    }),
    ((0, 8, 4), {
        'remove': {
            'api.pipeline_version_retention': ('warning', 'it was never read, and v0.8.4 removed it'),
            'server.url': ('warning', 'it was never read, and v0.8.4 removed it'),
            'server.storage_results_limit': ('warning', 'it was never read, and v0.8.4 removed it'),
        },
        'update': {
            'extensions.install_std_extensions': {'used': True, 'description': (
                'Register and start the standard cron and interval extensions. Honoured since v0.8.4: false really '
                'disables them.')},
            'external_events.enable': {'used': True, 'description': (
                'Start the external events (webhook) server. Honoured since v0.8.4; its errors are still dropped '
                'silently.')},
        },
    }),
    ((0, 9, 0), {
        'remove': {'object_store.sqlite.path': (
            'error', 'v0.9.0 replaced the sqlite object store by a directory of files: set '
                     'object_store.filesystem.path instead')},
        'add': {'object_store.filesystem.path': _key(
            STRING, '/tmp/gofer_objects',
            'Object store directory. Gofer creates it with its parents, and panics when it cannot.', fmt=DIRECTORY)},
        'update': {'object_store.engine': {
            'default': 'filesystem', 'choices': ['filesystem'],
            'description': 'Object store engine. Only "filesystem" from v0.9.0; "sqlite" stops Gofer at start-up.'}},
        'migrate': {'object_store.engine': (
            'objects are now files under object_store.filesystem.path; the objects in the old sqlite store are not '
            'migrated (no code of v0.9 reads that file), so pipelines and runs start with no stored objects. The '
            'old file is left in place')},
    }),
    (None, {  # the untagged head of Gofer's main branch (c855b6c), after v0.9.1
        'rename': {'api.run_parallelism_limit': 'api.pipeline_run_concurrency_limit'},
        'add': {'api.global_run_concurrency_limit': _key(
            U64, 2000, 'Caps the runs in flight across all pipelines (a semaphore over every run). Must be at least 1.',
            unit='runs')},
        'update': {'object_store.run_object_expiry': {'default': 2}},
    }),
]

# Releases that rewrote the main database's only migration in place: a database written before one of them makes
# the server panic at start-up on or after it ("VersionMismatch", docs/gofer-behaviour.md §7; observed with v0.9.1).
DATABASE_REWRITES = [(0, 7, 3), (0, 8, 0), (0, 8, 1), (0, 9, 0)]

# From v0.8.4 a flag in the database marks the bootstrap (root) token as given out, for good; v0.7.3 only looks for a
# management token, so deleting every one of them opens POST /api/tokens/bootstrap again (v0.8.0 to v0.8.3 were not
# read, and count as the older kind). Gofer's api/tokens.rs at v0.7.3 and v0.8.4.
BOOTSTRAP_FLAG_SINCE = (0, 8, 4)

# Gofer's API routes answer 400 without this header (docs/gofer-behaviour.md §6, §8).
API_HEADERS = {'gofer-api-version': 'v0'}
# Gofer reaches Docker only through this socket: bollard 0.16.1 ignores DOCKER_HOST (docs/gofer-behaviour.md §5).
DOCKER_SOCKET = '/var/run/docker.sock'

# The newest release of each line; a line alone means its newest release.
RELEASES = {'0.7': 3, '0.8': 4, '0.9': 1}
LATEST = 'latest'
LATEST_RELEASE = (99, 0, 0)  # sorts after every tagged release

# One schema per set of releases that read the same keys: (id, first release, name in messages).
SCHEMA_IDS = [
    ('0.7', (0, 7, 0), 'Gofer v0.7'),
    ('0.8.0', (0, 8, 0), 'Gofer v0.8.0 to v0.8.3'),
    ('0.8.4', (0, 8, 4), 'Gofer v0.8.4'),
    ('0.9', (0, 9, 0), 'Gofer v0.9'),
    (LATEST, LATEST_RELEASE, 'Gofer\'s latest code (after v0.9.1)'),
]
SOURCES = {
    '0.7': 'Gofer v0.7.3 (ba0b2b548cc0)',
    '0.8.0': 'Gofer v0.8.0 (v0.8.1 to v0.8.3 have the same gofer/src/conf)',
    '0.8.4': 'Gofer v0.8.4',
    '0.9': 'Gofer v0.9.1 (f5a5e06d099d; v0.9.0 has the same gofer/src/conf)',
    LATEST: 'Gofer HEAD c855b6c',
}


def release_name(release):
    return 'after v0.9.1' if release in (None, LATEST_RELEASE) else 'v%d.%d.%d' % release


def _step_release(release):
    return LATEST_RELEASE if release is None else release


def _build():
    schemas = {}
    keys = {path: dict(spec) for path, spec in V0_7_KEYS.items()}
    steps = list(CHANGES)
    for schema_id, first, name in SCHEMA_IDS:
        while steps and _step_release(steps[0][0]) <= first:
            change = steps.pop(0)[1]
            for path in change.get('remove', {}):
                del keys[path]
            for old, new in change.get('rename', {}).items():
                keys = {(new if p == old else p): s for p, s in keys.items()}
            keys.update((path, dict(spec)) for path, spec in change.get('add', {}).items())
            for path, fields in change.get('update', {}).items():
                keys[path] = dict(keys[path], **fields)
        schemas[schema_id] = {'id': schema_id, 'release': first, 'name': name, 'source': SOURCES[schema_id],
                              'keys': {p: dict(s) for p, s in keys.items()}, 'upstream_errata': V0_7_UPSTREAM_ERRATA}
    every = {}
    for schema in schemas.values():
        for path, spec in schema['keys'].items():
            every.setdefault(path, spec)
    for schema in schemas.values():
        schema['other_names'] = _other_names(schema, every)
        schema['other_values'] = _other_values(schema, schemas)
    return schemas


def _tables_of(paths):
    return {'.'.join(p.split('.')[:i]) for p in paths for i in range(1, p.count('.') + 1)}


def renamed(path):
    """(release, new name) when a later release renamed path, else (None, None)."""
    for release, change in CHANGES:
        if path in change.get('rename', {}):
            return _step_release(release), change['rename'][path]
    return None, None


def _added(path):
    """(release that added path, the name it had before a rename or None); (None, None) for a v0.7 key."""
    for release, change in CHANGES:
        for old, new in change.get('rename', {}).items():
            if path == new:
                return _step_release(release), old
        if path in change.get('add', {}):
            return _step_release(release), None
    return None, None


def _removed(path):
    """(release, level, why) of the step that removed or renamed path."""
    for release, change in CHANGES:
        if path in change.get('remove', {}):
            return (_step_release(release),) + tuple(change['remove'][path])
        if path in change.get('rename', {}):
            return (_step_release(release), 'error', 'renamed to %s (%s); the old name is ignored, so the setting '
                    'falls back to its default' % (change['rename'][path], release_name(release)))
    return None, None, None


def _other_names(schema, every):
    """Every name another release reads and this one does not, with the release that reads it."""
    names = dict(UPSTREAM_NAMES)
    mine = schema['keys']
    mine_tables = _tables_of(mine)
    for path in sorted(set(every) | _tables_of(every)):
        if path in mine or path in mine_tables:
            continue
        member = path if path in every else sorted(p for p in every if p.startswith(path + '.'))[0]
        added, old_name = _added(member)
        if added is not None and added > schema['release']:
            names[path] = {'kind': 'later', 'version': release_name(added),
                           'to': old_name if old_name in mine else None}
            continue
        removed, level, why = _removed(member)
        names[path] = {'kind': 'removed', 'version': release_name(removed), 'level': level, 'why': why,
                       'to': renamed(member)[1]}
    return names


def _other_values(schema, schemas):
    """Enum values another release accepts: {(key, value): ('later' or 'removed', release name)}."""
    found = {}
    ordered = sorted(schemas.values(), key=lambda s: s['release'])
    for path, spec in schema['keys'].items():
        if spec['type'] != ENUM:
            continue
        for other in ordered:
            for value in (other['keys'].get(path) or {}).get('choices') or []:
                if value in spec['choices'] or (path, value) in found:
                    continue
                if other['release'] > schema['release']:
                    found[(path, value)] = ('later', release_name(other['release']))
                else:
                    gone = next(s['release'] for s in ordered if s['release'] > other['release']
                                and value not in ((s['keys'].get(path) or {}).get('choices') or []))
                    found[(path, value)] = ('removed', release_name(gone))
    return found


SCHEMAS = _build()
DEFAULT_VERSION = '0.7'
# The release lines users name, oldest first.
VERSIONS = ['0.7', '0.8', '0.9', LATEST]

_VERSION = re.compile(r'^v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?$')


def release_of(version):
    """(major, minor, patch) of a version as users write it: a release, a line (its newest release) or 'latest'."""
    text = str(version)
    if text == LATEST:
        return LATEST_RELEASE
    match = _VERSION.match(text)
    line = match and '%d.%d' % (int(match.group(1)), int(match.group(2)))
    if not match or line not in RELEASES:
        raise ValueError('Gofer version "%s" is not supported; give a release line (%s) or a release of one, '
                         'such as "0.9.1"' % (text[:40], ', '.join(VERSIONS)))
    patch = int(match.group(3)) if match.group(3) is not None else RELEASES[line]
    return (int(match.group(1)), int(match.group(2)), patch)


def schema_for(version):
    """The schema of a Gofer version: a release line ('0.9'), a release ('0.8.2') or 'latest'."""
    release = release_of(version)
    return SCHEMAS[[schema_id for schema_id, first, _name in SCHEMA_IDS if first <= release][-1]]


def database_rewrites_between(old, new):
    """The releases between two versions (either direction) that rewrote the main database schema."""
    low, high = sorted((release_of(old), release_of(new)))
    return ['v%d.%d.%d' % r for r in DATABASE_REWRITES if low < r <= high]


def defaults_tree(version=DEFAULT_VERSION):
    """Gofer's built-in defaults as the nested dict its default TOML parses to."""
    tree = {}
    for path, spec in schema_for(version)['keys'].items():
        if spec['optional']:
            continue
        node = tree
        parts = path.split('.')
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = spec['default']
    return tree


def tables(version=DEFAULT_VERSION):
    """Every table path the schema defines ('api', 'scheduler.docker', ...)."""
    found = set()
    for path in schema_for(version)['keys']:
        parts = path.split('.')
        for i in range(1, len(parts)):
            found.add('.'.join(parts[:i]))
    return found
