# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validate a parsed gofer_web.toml against the schema, as the Gofer server reads it.

PRIVATE to the gofer.gofer collection; the controller runs it (plugin_utils), never a target.

The checks run on the *effective* config: Gofer's built-in defaults merged with
the file, the way figment merges them, because a key left out inherits Gofer's
default (some of which are insecure). "§" references point at the sections of
docs/gofer-behaviour.md, the facts the collection relies on. Every message names the Gofer release
(or releases) whose schema was used.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import math
import posixpath
import re

from ansible_collections.gofer.gofer.plugins.module_utils import _schema as S
from ansible_collections.gofer.gofer.plugins.plugin_utils._duration import parse_duration
from ansible_collections.gofer.gofer.plugins.plugin_utils._view import flatten, is_secret

ERROR = 'error'
WARNING = 'warning'

# tracing-core LevelFilter::from_str accepts these, ASCII case-insensitively (§2.2).
SERVER_LOG_LEVELS = ('off', 'error', 'warn', 'info', 'debug', 'trace', '0', '1', '2', '3', '4', '5')
# What the Go extension SDK understands; anything else makes extensions log at debug.
EXTENSION_LOG_LEVELS = ('debug', 'info', 'warn', 'error')
# is_past_cut_date computes now_ms - retention*1000 in u64 (§1, api.event_log_retention).
MAX_EVENT_LOG_RETENTION = 1700000000
KEY_BYTES = 32
CONTROL = re.compile('[\x00-\x1f\x7f]')
# The sqlite files whose directories Gofer needs but never creates (docs/gofer-behaviour.md §3); a release reads some of them.
SQLITE_KEYS = ('server.storage_path', 'secret_store.sqlite.path', 'object_store.sqlite.path')
# Directories the module creates for the service account: Gofer never creates the logs directory, and creates the
# object store directory (v0.9+) only where its sandbox lets it write.
DIRECTORY_KEYS = ('api.task_execution_logs_dir', 'object_store.filesystem.path')
MAX_INT = 2 ** 63 - 1  # TOML integers are signed 64-bit; Python's parser accepts more
PATH_MAX = 4096        # Linux limits for a path and for each of its names
NAME_MAX = 255


class Finding(object):
    __slots__ = ('level', 'key', 'message')

    def __init__(self, level, key, message):
        self.level = level
        self.key = key
        self.message = message

    def as_dict(self):
        return {'level': self.level, 'key': self.key, 'message': self.message}

    def __repr__(self):
        return 'Finding(%r, %r, %r)' % (self.level, self.key, self.message)


def clip(text, limit=80):
    """A string as it can be shown in a one-line message: escaped, and cut when long."""
    shown = json.dumps(text, ensure_ascii=False)[1:-1]
    if len(shown) > limit:
        shown = '%s... (%d characters)' % (shown[:limit - 3], len(text))
    return shown


def normpath(path):
    """posixpath.normpath, with a leading "//" made "/". POSIX lets exactly two leading slashes mean something
    else, so normpath keeps them (and dirname("//") is "//"), but Linux, where Gofer runs, reads "//x" as "/x"."""
    path = posixpath.normpath(path)
    return '/' + path.lstrip('/') if path.startswith('//') else path


def parents(path):
    """The directories above path, nearest first, without "/"; for any string, the walk ends."""
    found = []
    parent = posixpath.dirname(path)
    while parent not in ('/', '') and parent != path:
        found.append(parent)
        path, parent = parent, posixpath.dirname(parent)
    return found


def describe(value, path='', secret=None):
    """A short, type-revealing rendering of a TOML value for messages; never the value of a secret."""
    if secret if secret is not None else is_secret(path, value):
        kind = ('a table' if isinstance(value, dict) else 'an array' if isinstance(value, list)
                else 'a %s' % {bool: 'boolean', int: 'integer', float: 'float', str: 'string'}.get(type(value), 'value'))
        return '%s (not shown: values under [secret_store] are secret)' % kind
    if isinstance(value, bool):
        return 'boolean %s' % ('true' if value else 'false')
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            # str() of an integer of more than 4300 digits raises in Python 3.11.
            return 'an integer too large to show'
        return 'integer %d' % value
    if isinstance(value, float):
        return 'float %r' % value
    if isinstance(value, str):
        return 'string "%s"' % clip(value)
    if isinstance(value, dict):
        return 'a table'
    if isinstance(value, list):
        return 'an array'
    return 'a %s' % type(value).__name__


def merge(base, override):
    """figment Order::Merge: tables merge recursively, anything else replaces."""
    result = dict(base)
    for name, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(name), dict):
            result[name] = merge(result[name], value)
        else:
            result[name] = value
    return result


def parse_socket_addr(text):
    """(ip, port) as std::net::SocketAddr::from_str would accept, or None."""
    match = re.match(r'^(?:\[([^\]]+)\]|([0-9.]+)):([0-9]+)$', text)
    if not match:
        return None
    host = match.group(1) or match.group(2)
    try:
        if match.group(1):
            if '%' in host:
                addr, scope = host.split('%', 1)
                if not scope.isdigit():
                    return None
                host = addr
            ip = ipaddress.IPv6Address(host)
        else:
            ip = ipaddress.IPv4Address(host)
    except ValueError:
        return None
    port = int(match.group(3))
    if port > 65535:
        return None
    return ip, port


class Validator(object):
    """One validation run. Use validate() rather than this class."""

    def __init__(self, config, version, allow_insecure):
        self.schema = S.schema_for(version)
        self.release = S.release_of(version)
        self.name = self.schema['name']
        self.keys = self.schema['keys']
        self.tables = S.tables(version)
        self.allow_insecure = allow_insecure
        self.config = config
        self.given = flatten(config)
        self.effective = flatten(merge(S.defaults_tree(version), config))
        self.bad = set()
        self.findings = []

    # -- reporting ---------------------------------------------------------
    def error(self, key, message):
        self.findings.append(Finding(ERROR, key, '%s: %s' % (key, message)))

    def warn(self, key, message):
        self.findings.append(Finding(WARNING, key, '%s: %s' % (key, message)))

    def insecure(self, key, message):
        """An error, or a warning when the caller opted in to insecure settings."""
        if self.allow_insecure:
            self.warn(key, message + ' Allowed because insecure settings were opted in to.')
        else:
            self.error(key, message)

    def get(self, path):
        """The effective value of a key, or None when it is absent or already reported as the wrong type."""
        if path in self.bad:
            return None
        return self.effective.get(path)

    def origin(self, path):
        if path in self.given:
            return ''
        return ' (left out, so Gofer uses its built-in default)'

    # -- structure and types -----------------------------------------------
    def run(self):
        self.walk(self.config, '')
        self.check_values()
        return self.findings

    def names_at(self, prefix):
        depth = prefix.count('.') + (1 if prefix else 0)
        names = set()
        for path in list(self.keys) + list(self.tables):
            parts = path.split('.')
            if len(parts) > depth and (not prefix or path.startswith(prefix + '.')):
                names.add(parts[depth])
        return sorted(names)

    def walk(self, tree, prefix):
        for name, value in tree.items():
            path = prefix + name
            if path in self.keys:
                self.check_type(path, value)
            elif path in self.tables:
                if isinstance(value, dict):
                    self.walk(value, path + '.')
                else:
                    self.error(path, 'found %s; Gofer expects the table [%s] and fails to start. '
                               'Write it as a [%s] section.' % (describe(value, path), path, path))
                    self.bad.update(k for k in self.keys if k.startswith(path + '.'))
            elif path in self.schema['other_names']:
                self.other_name(path)
            else:
                self.unknown(path, prefix, name, value)

    def other_name(self, path):
        info = self.schema['other_names'][path]
        kind = info['kind']
        if kind == 'rename':
            self.error(path, 'is not a key %s reads: the upstream configuration page uses this name, '
                       'but Gofer silently ignores it. Did you mean %s?' % (self.name, info['to']))
        elif kind == 'later':
            hint = ' In %s use %s.' % (self.name, info['to']) if info.get('to') else ''
            since = info['version'] if info['version'].startswith('after') else info['version'] + ' and later'
            self.error(path, 'exists only in Gofer %s, not in %s, which silently ignores it.%s Remove it, '
                       'or target the Gofer version that reads it.' % (since, self.name, hint))
        elif kind == 'removed':
            report = self.error if info['level'] == ERROR else self.warn
            report(path, 'is not read by %s, which silently ignores it: %s. Only releases before %s read it.%s'
                   % (self.name, info['why'], info['version'],
                      ' Use %s.' % info['to'] if info.get('to') else ' Remove it.'))
        elif kind == 'never_read':
            self.warn(path, 'appears in Gofer\'s own default file but the server never reads it. Remove it.')
        else:
            self.error(path, 'is listed on the upstream configuration page but no Gofer version reads it; '
                       'Gofer silently ignores it. Remove it.')

    def unknown(self, path, prefix, name, value):
        what = 'section' if isinstance(value, dict) else 'key'
        candidates = self.names_at(prefix.rstrip('.'))
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        hint = ' Did you mean %s%s?' % (prefix, close[0]) if close else ''
        where = ' in [%s]' % prefix.rstrip('.') if prefix else ''
        self.error(path, 'unknown %s%s; %s silently ignores it, so it has no effect.%s'
                   % (what, where, self.name, hint))

    def check_type(self, path, value):
        spec = self.keys[path]
        kind = spec['type']
        problem = None
        if kind == S.BOOL:
            if not isinstance(value, bool):
                fix = ('Write %s without quotes.' % value.strip().lower()
                       if isinstance(value, str) and value.strip().lower() in ('true', 'false')
                       else 'Write true or false.')
                problem = 'found %s; Gofer reads a boolean and does not convert other types, so it fails ' \
                          'to start. %s' % (describe(value, path), fix)
        elif kind == S.U64:
            problem = self.u64_problem(path, value)
        elif kind == S.STRING:
            if not isinstance(value, str):
                problem = 'found %s; Gofer reads a string and does not convert other types, so it fails ' \
                          'to start. Quote the value.' % describe(value, path)
        elif kind == S.ENUM:
            problem = self.enum_problem(path, spec, value)
        if problem:
            self.bad.add(path)
            self.error(path, problem)

    def u64_problem(self, path, value):
        unit = self.keys[path]['unit']
        base = 'found %s; Gofer reads an unsigned integer%s and does not convert other types, so it fails ' \
               'to start.' % (describe(value, path), ' of %s' % unit if unit else '')
        if isinstance(value, bool):
            return base + ' Write a whole number.'
        if isinstance(value, int):
            if value > MAX_INT:
                return ('found %s, which does not fit in a TOML integer (at most %d); Gofer\'s TOML parser '
                        'fails to start on it. Write a smaller number.' % (describe(value, path), MAX_INT))
            if value < 0:
                return 'found %s; Gofer reads an unsigned integer and fails to start on a negative ' \
                       'number. Write 0 or more.' % describe(value, path)
            return None
        if isinstance(value, float):
            # inf and nan are TOML floats too; int() of them raises.
            if math.isfinite(value) and 0 <= value <= MAX_INT and value == int(value):
                return base + ' Write %d.' % int(value)
            return base + ' Write a whole number.'
        if isinstance(value, str):
            try:
                seconds = parse_duration(value)
            except ValueError:
                return base + ' Write a whole number.'
            if value.strip().isdigit():
                return base + ' Write %d without quotes.' % seconds
            if unit == 'seconds':
                return ('found %s; this key takes whole seconds as an integer, not a duration string, so '
                        'Gofer fails to start. Write %d (= %s).' % (describe(value, path), seconds, value.strip()))
            return base + ' Write a whole number.'
        return base + ' Write a whole number.'

    def enum_problem(self, path, spec, value):
        choices = spec['choices']
        quoted = ', '.join('"%s"' % c for c in choices)
        if isinstance(value, str) and value not in choices and is_secret(path, 0):
            return 'found %s; Gofer accepts only %s and fails to start otherwise. Write %s.' \
                % (describe(value, path, secret=True), quoted, quoted)
        if isinstance(value, str):
            if value in choices:
                return None
            other = self.schema['other_values'].get((path, value))
            if other:
                when = ('only from %s' % other[1] if other[0] == 'later' else 'only before %s' % other[1])
                return ('found "%s", which Gofer accepts %s; %s fails to start with "unknown variant". Write %s.'
                        % (clip(value), when, self.name, quoted))
            if value.lower() in choices:
                return ('found "%s"; Gofer matches this name exactly and case-sensitively and fails to '
                        'start. Write "%s".' % (clip(value), value.lower()))
            return 'found "%s"; Gofer accepts only %s and fails to start otherwise. Write %s.' \
                   % (clip(value), quoted, quoted)
        return 'found %s; Gofer accepts only the string %s. Write %s.' % (describe(value, path), quoted, quoted)

    # -- values on the effective config ------------------------------------
    def check_values(self):
        self.check_addresses()
        self.check_log_level()
        self.check_encryption_key()
        self.check_timeouts()
        self.check_insecure_development()
        self.check_tls()
        self.check_paths()
        self.check_retention()
        self.check_unused()
        self.check_extensions()
        self.check_concurrency()

    def check_addresses(self):
        parsed = {}
        for path in ('server.bind_address', 'external_events.bind_address'):
            value = self.get(path)
            if value is None:
                continue
            addr = parse_socket_addr(value)
            if addr is None:
                # The external events server drops this error silently (§2.5).
                effect = ('so it fails to start' if path.startswith('server.')
                          else 'then drops the error silently and runs without the webhook endpoint')
                self.error(path, '"%s" is not IP:port; Gofer parses it as a socket address, refuses '
                           'host names, %s. Use "127.0.0.1:%s", "0.0.0.0:%s" or "[::]:%s".'
                           % (clip(value), effect, *([self.guess_port(value, path)] * 3)))
            elif addr[1] == 0:
                # Observed with the real v0.7.3 (docs/gofer-behaviour.md §10): it listens on a random port.
                self.error(path, '"%s" has port 0; Gofer then listens on a port the kernel picks at random, so '
                           'nothing can find it. Use a fixed port, for example "%s:%s".'
                           % (clip(value), value.rsplit(':', 1)[0], '8081' if path.startswith('external') else '8080'))
            else:
                parsed[path] = addr
        if len(parsed) == 2:
            (ip1, port1), (ip2, port2) = parsed['server.bind_address'], parsed['external_events.bind_address']
            if port1 == port2 and port1 != 0 and (ip1 == ip2 or ip1.is_unspecified or ip2.is_unspecified):
                self.error('external_events.bind_address',
                           '"%s" collides with server.bind_address "%s"; one server cannot bind and Gofer '
                           'loses the external events server without a log line. Use another port.'
                           % (clip(self.get('external_events.bind_address')), clip(self.get('server.bind_address'))))

        value = self.get('server.extension_address')
        if value is not None:
            match = re.match(r'^([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$', value)
            if '://' in value:
                self.error('server.extension_address',
                           '"%s" has a scheme; extensions prepend http:// or https:// themselves (from '
                           'extensions.use_tls), so they would call "http://%s". Write host:port only, '
                           'for example "172.17.0.1:8080".' % (clip(value), clip(value)))
            elif not match or int(match.group(2)) > 65535:
                self.error('server.extension_address',
                           '"%s" is not host:port; extensions could not call back to Gofer. Write host:port, '
                           'for example "172.17.0.1:8080".' % clip(value))
            else:
                bind = parsed.get('server.bind_address')
                if bind and bind[0].is_loopback and not match.group(1).startswith(('127.', 'localhost', '[::1]')):
                    # Extensions run in containers and call back through the docker bridge (§2.6).
                    self.warn('server.bind_address',
                              '"%s" listens on loopback only, but extensions call back from their containers '
                              'at server.extension_address "%s", which cannot reach it. Bind to "0.0.0.0:%d" or '
                              'the docker bridge address.' % (self.get('server.bind_address'), value, bind[1]))
                if bind and bind[1] != int(match.group(2)):
                    self.warn('server.extension_address',
                              'port %s differs from the port of server.bind_address (%d); extensions call '
                              'the server at this address, so it should reach the API port.'
                              % (match.group(2), bind[1]))

    @staticmethod
    def guess_port(value, path):
        match = re.search(r':(\d{1,5})$', value.strip())
        if match and 0 < int(match.group(1)) <= 65535:
            return str(int(match.group(1)))
        return '8081' if path.startswith('external_events') else '8080'

    def check_log_level(self):
        value = self.get('api.log_level')
        if value is None:
            return
        if value == '':
            # Observed with the real v0.7.3 (docs/gofer-behaviour.md §10): it starts and logs errors only.
            self.error('api.log_level', 'is empty; Gofer starts but logs at error level only, so its warnings and '
                       'progress are lost. Use one of: %s.' % ', '.join(EXTENSION_LOG_LEVELS))
        elif value.lower() not in SERVER_LOG_LEVELS:
            self.error('api.log_level', '"%s" is not a level Gofer parses; it fails to start with "could not '
                       'parse \'log_level\' configuration". Use one of: %s.'
                       % (clip(value), ', '.join(EXTENSION_LOG_LEVELS)))
        elif value not in EXTENSION_LOG_LEVELS:
            self.warn('api.log_level', '"%s" is accepted by the server, but Gofer hands the same string to '
                      'extensions, which understand only %s and fall back to debug. Use one of those.'
                      % (clip(value), ', '.join(EXTENSION_LOG_LEVELS)))

    def check_encryption_key(self):
        path = 'secret_store.sqlite.encryption_key'
        value = self.get(path)
        if value is None:
            return
        # Never echo the key itself: it encrypts every Gofer secret.
        if value == S.PUBLIC_DEFAULT_KEY:
            self.error(path, 'is Gofer\'s public default key%s; anyone can decrypt the secret store. Set '
                       'a random key of exactly 32 bytes, for example the output of '
                       '"openssl rand -hex 16".' % self.origin(path))
            return
        size = len(value.encode('utf-8'))
        if size != KEY_BYTES:
            # v0.7.1 added the start-up check for at least 32 bytes (docs/gofer-behaviour.md §10).
            effect = ('Gofer refuses to start (it needs at least 32)' if size < KEY_BYTES and self.release >= (0, 7, 1)
                      else '%s starts, but every secret read or write fails (AES-256 needs exactly 32)'
                      % ('Gofer v0.7.0' if self.release < (0, 7, 1) else 'Gofer'))
            chars = len(value)
            counted = '%d bytes' % size if chars == size else '%d bytes in UTF-8 (%d characters)' % (size, chars)
            self.error(path, 'is %s; %s. Use a key of exactly 32 bytes, for example the output of '
                       '"openssl rand -hex 16".' % (counted, effect))

    def check_timeouts(self):
        timeout = self.get('scheduler.docker.timeout')
        if timeout == 0:
            self.error('scheduler.docker.timeout', 'is 0%s; every Docker request times out at once and '
                       'Gofer fails to start. Use at least 300.' % self.origin('scheduler.docker.timeout'))
        elif timeout is not None:
            for other in ('api.task_execution_stop_timeout', 'extensions.stop_timeout'):
                value = self.get(other)
                if value is not None and timeout < value:
                    self.error('scheduler.docker.timeout',
                               '%d is smaller than %s (%d); Docker answers a stop request only once the '
                               'container has stopped, so the request times out first. Set it to at least %d.'
                               % (timeout, other, value, value))
        for path in ('scheduler.docker.prune_interval', 'api.event_prune_interval'):
            if self.get(path) == 0:
                self.error(path, 'is 0; Gofer\'s prune loop then runs without pausing and burns a CPU core. '
                           'Use whole seconds, for example 604800 (1w).')
        if self.get('scheduler.docker.prune') is True:
            self.warn('scheduler.docker.prune',
                      'is true%s; Gofer\'s prune removes every stopped container on the host, not only its '
                      'own. Set it to false on hosts that run other containers.'
                      % self.origin('scheduler.docker.prune'))

    def check_insecure_development(self):
        if self.get('development.bypass_auth') is True:
            self.insecure('development.bypass_auth',
                          'is true%s; Gofer treats every request as a management token for all namespaces. '
                          'Set it to false.' % self.origin('development.bypass_auth'))
        if self.get('development.use_included_certs') is True:
            self.insecure('development.use_included_certs',
                          'is true%s; Gofer hands extensions its embedded localhost certificate, which is '
                          'public and expired on 2025-04-21. Set it to false.'
                          % self.origin('development.use_included_certs'))

    def check_tls(self):
        server_tls = self.get('server.use_tls')
        if server_tls is True:
            self.insecure('server.use_tls',
                          'is true; Gofer (every version) then serves its embedded localhost certificate (expired on '
                          '2025-04-21) on the main API whatever server.tls_cert_path says, and clients reject '
                          'it. Keep it false and terminate TLS in a reverse proxy.')
        for path in ('server.tls_cert_path', 'server.tls_key_path'):
            if path in self.given:
                self.warn(path, 'is never read by Gofer (the main API always uses the embedded certificate '
                          'when server.use_tls is true). Remove it; terminate TLS in a reverse proxy.')

        events_tls = self.get('external_events.use_tls')
        events_files = [p for p in ('external_events.tls_cert_path', 'external_events.tls_key_path')
                        if self.get(p) is not None]
        if server_tls is False:
            if events_tls is True or events_files:
                self.warn('external_events.use_tls',
                          'external_events TLS settings have no effect while server.use_tls is false: '
                          'Gofer serves external events over plain HTTP. Remove them.')
        elif server_tls is True:
            if events_tls is True:
                self.insecure('external_events.use_tls',
                              'is true with server.use_tls true; the external events server then serves the '
                              'embedded, expired localhost certificate. Set it to false and set '
                              'external_events.tls_cert_path and tls_key_path.')
            elif events_tls is False:
                for path in ('external_events.tls_cert_path', 'external_events.tls_key_path'):
                    if self.get(path) is None:
                        self.error(path, 'is not set, but server.use_tls is true and external_events.use_tls '
                                   'is false, so Gofer reads the certificate and key from these paths; without '
                                   'both the external events server dies silently. Set it.')

        ext_tls = self.get('extensions.use_tls')
        included = self.get('development.use_included_certs')
        ext_files = [p for p in ('extensions.tls_cert_path', 'extensions.tls_key_path') if self.get(p) is not None]
        if ext_tls is True:
            if included is False:
                for path in ('extensions.tls_cert_path', 'extensions.tls_key_path'):
                    if self.get(path) is None:
                        self.error(path, 'is not set, but extensions.use_tls is true and '
                                   'development.use_included_certs is false; Gofer fails to start its '
                                   'extensions ("Could not load extension TLS keys"). Set it.')
            if self.get('extensions.verify_certs') is False:
                self.warn('extensions.verify_certs', 'is false while extensions.use_tls is true; Gofer accepts '
                          'any certificate from extensions. Set it to true.')
            if server_tls is False:
                self.warn('extensions.use_tls', 'is true while server.use_tls is false; extensions call back '
                          'to server.extension_address with https:// but the API speaks plain HTTP. Set both '
                          'to false behind a TLS-terminating proxy.')
        elif ext_tls is False and ext_files:
            self.warn('extensions.use_tls', 'is false, so Gofer never reads extensions.tls_cert_path or '
                      'tls_key_path. Remove them, or set extensions.use_tls to true.')

    def check_paths(self):
        sqlite_paths = {}
        for path, spec in sorted(self.keys.items()):
            fmt = spec['format']
            if fmt not in (S.SQLITE_FILE, S.DIRECTORY, S.FILE):
                continue
            value = self.get(path)
            if value is None:
                continue
            shown = '(not shown: values under [secret_store] are secret)' if is_secret(path) else clip(value)
            if CONTROL.search(value):
                self.error(path, '"%s" contains a control character (such as a NUL byte or a newline); no file '
                           'can be named so. Use a plain absolute path.' % shown)
                continue
            if not posixpath.isabs(value):
                self.error(path, '"%s" is not an absolute path; Gofer resolves it against whatever directory '
                           'the service starts in. Use an absolute path.' % shown)
                continue
            if fmt != S.DIRECTORY and (value.endswith('/') or posixpath.basename(value) in ('', '.', '..')):
                self.error(path, '"%s" names a directory, not a file; Gofer opens a file there and fails. Add a '
                           'file name, for example "%s".'
                           % (shown, '/var/lib/gofer/gofer.db'))
                continue
            size = len(value.encode('utf-8'))
            longest = max(len(part.encode('utf-8')) for part in value.split('/'))
            if size >= PATH_MAX or longest > NAME_MAX:
                self.error(path, '"%s" is %d bytes long with a name of %d bytes; Linux allows paths below %d bytes and '
                           'names up to %d, so Gofer cannot create it. Use a shorter path.'
                           % (shown, size, longest, PATH_MAX, NAME_MAX))
                continue
            if fmt == S.SQLITE_FILE:
                # sqlx splits at ? and decodes %XX; v0.7 opens "file:<path>" so # starts a fragment there, while
                # v0.8+ opens "sqlite://<path>" (§2.4). Observed for # with the real v0.7.3 (§9): a panic at start-up.
                bad = [c for c in ('?%#' if self.release < (0, 8, 0) else '?%') if c in value]
                if bad:
                    self.error(path, '"%s" contains %s; Gofer creates the raw path but sqlite opens it as a '
                               'URI, so the database cannot be opened and Gofer fails at start-up. Use a path '
                               'without %s.'
                               % (shown, ' and '.join('"%s"' % c for c in bad),
                                  '?, %% or #' if self.release < (0, 8, 0) else '? or %'))
                    continue
                sqlite_paths.setdefault(normpath(value), []).append(path)
            if fmt != S.FILE and (normpath(value) + '/').startswith('/tmp/'):
                self.warn(path, '"%s" is under /tmp%s; its data is lost on reboot. Use a directory such as '
                          '/var/lib/gofer.' % (clip(value), self.origin(path)))
        for paths in sqlite_paths.values():
            if len(paths) > 1:
                self.warn(paths[1], 'uses the same file as %s; give each store its own sqlite file.' % paths[0])
        # The module creates each sqlite file's directory and the task logs directory; a sqlite file at one of
        # those paths would be a directory, and Gofer panics opening it ("unable to open database file", §9).
        directories = {}
        for path in SQLITE_KEYS + DIRECTORY_KEYS:
            value = self.get(path)
            if isinstance(value, str) and posixpath.isabs(value):
                value = normpath(value)
                made = parents(value) if path in SQLITE_KEYS or value == '/' else [value] + parents(value)
                for directory in made:
                    directories.setdefault(directory, []).append(path)
        for file_path, keys in sorted(sqlite_paths.items()):
            if file_path in directories:
                self.error(keys[0], '"%s" is also a directory this config needs (for %s), so it would be created '
                           'as a directory and Gofer panics opening it as a database. Give it a file of its own.'
                           % (clip(file_path), ', '.join(sorted(set(directories[file_path])))))

    def check_retention(self):
        value = self.get('api.event_log_retention')
        if value is not None and value > MAX_EVENT_LOG_RETENTION:
            self.error('api.event_log_retention',
                       '%d seconds is past the current time in milliseconds when multiplied by 1000; Gofer\'s '
                       'cut-off arithmetic underflows and every event counts as expired. Use at most '
                       '315360000 (10 years).' % value)
        for path in ('api.task_execution_log_retention', 'object_store.run_object_expiry'):
            if self.get(path) == 0:
                self.warn(path, 'is 0; Gofer then expires the current run\'s data at the start of every run. '
                          'Use at least 1.')

    def check_unused(self):
        for path, spec in sorted(self.keys.items()):
            if spec['used'] or spec['format'] == S.FILE or path not in self.given or path in self.bad:
                continue
            if self.given[path] != spec['default']:
                self.warn(path, 'is set to %s, but %s does not use this setting (it behaves as if it '
                          'were %s). Remove it.' % (describe(self.given[path], path), self.name,
                                                    describe(spec['default'], path)))

    def check_extensions(self):
        # From v0.9.0 Gofer pulls every registered extension's image at every start, even when it is present,
        # and a failed pull stops it (docs/gofer-behaviour.md §5; observed with v0.9.1).
        path = 'extensions.install_std_extensions'
        if self.release >= (0, 9, 0) and self.get(path) is True:
            self.warn(path, 'is true%s; %s pulls the cron and interval images from ghcr.io at every start, even '
                      'when they are present, and does not start when the pull fails. On a host without access to '
                      'ghcr.io set it to false.' % (self.origin(path), self.name))

    def check_concurrency(self):
        path = 'api.global_run_concurrency_limit'
        if path in self.keys and self.get(path) == 0:
            self.error(path, 'is 0; no run could ever start (Gofer holds every run behind a semaphore of this '
                       'size). Use at least 1; Gofer\'s default is 2000.')


def validate(config, version=S.DEFAULT_VERSION, allow_insecure=False):
    """Return the findings (errors and warnings) for a parsed gofer_web.toml."""
    if not isinstance(config, dict):
        raise TypeError('config must be a dict parsed from TOML')
    return Validator(config, version, allow_insecure).run()


def effective_config(config, version=S.DEFAULT_VERSION):
    """Gofer's defaults merged with the file, as Gofer sees it (flat, dotted keys)."""
    return flatten(merge(S.defaults_tree(version), config))


def errors(findings):
    return [f for f in findings if f.level == ERROR]


def invalid_message(origin, errors):
    """The message for a config refused with errors, as gofer.gofer.server_config and the role give it."""
    return ('The Gofer config (%s) is invalid; nothing was changed. %d error%s:\n%s'
            % (origin, len(errors), '' if len(errors) == 1 else 's', '\n'.join('- ' + f.message for f in errors)))
