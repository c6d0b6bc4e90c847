# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role's effective config: its variables, gofer_config_overrides and the release's defaults, merged once.

PRIVATE to the gofer.gofer collection; controller only.

Every step of the role gofer.gofer.server reads what effective() returns: the TOML it places, the probe's address
and scheme, the data directories, the account's home, the purge list and the extension image decision. The rule of
precedence lives here and only here:

1. an explicit variable wins;
2. gofer_config_overrides counts only while the variable is at the role's default (a default is indistinguishable
   from no value), or, for variables whose default is null, while the variable is null;
3. then the role's default, or for a null default the selected release's own (a renamed key takes the variable of
   its old name first), or nothing for an optional key.

tools/generate.py reads the role's variables from here too (defaults and argument specs), so a key is added in one
place: the schema.
"""

from __future__ import annotations

import json
import posixpath
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.gofer.gofer.plugins.module_utils import _schema as S
from ansible_collections.gofer.gofer.plugins.module_utils import _snapshot
from ansible_collections.gofer.gofer.plugins.plugin_utils._duration import format_duration, parse_duration
from ansible_collections.gofer.gofer.plugins.plugin_utils._paths import data_dirs
from ansible_collections.gofer.gofer.plugins.plugin_utils import _validate
from ansible_collections.gofer.gofer.plugins.plugin_utils._validate import DIRECTORY_KEYS, SQLITE_KEYS
from ansible_collections.gofer.gofer.plugins.plugin_utils._toml import toml_value


class RoleConfigError(ValueError):
    """A variable the role cannot turn into a config value; the message names the variable."""


# Role defaults that differ from Gofer's built-ins, and why.
ROLE_DEFAULTS = {
    'api.task_execution_logs_dir': ('/var/lib/gofer/logs', 'Gofer\'s default, /tmp, loses logs on reboot.'),
    'server.storage_path': ('/var/lib/gofer/gofer.db', 'Gofer\'s default is under /tmp.'),
    'object_store.sqlite.path': ('/var/lib/gofer/objects.db', 'Gofer\'s default is under /tmp.'),
    'object_store.filesystem.path': ('/var/lib/gofer/objects', 'Gofer\'s default is under /tmp.'),
    'secret_store.sqlite.path': ('/var/lib/gofer/secrets.db', 'Gofer\'s default is under /tmp.'),
    'development.pretty_logging': (False, 'JSON logs for production; Gofer\'s default is true.'),
    'development.bypass_auth': (False, 'Gofer\'s default, true, turns authentication off.'),
    'development.use_included_certs': (False, 'Gofer\'s default, true, hands extensions a public, expired '
                                              'certificate.'),
    'scheduler.docker.prune': (False, 'Gofer\'s default, true, removes every stopped container on the host, '
                                      'not only Gofer\'s.'),
}
# Set only by its variable (no default, no override): the secret store's key.
SECRET_KEY = 'secret_store.sqlite.encryption_key'
REQUIRED = {SECRET_KEY}
OVERRIDES = 'gofer_config_overrides'
DEFAULT_DEST = '/etc/gofer/gofer_web.toml'
DEFAULT_INSTALL_DIR = '/usr/local/lib/gofer'
DEFAULT_SNAPSHOT_DIR = '/var/backups/gofer'
DEFAULT_BINARY_PATH = '/usr/local/bin/gofer'
# Beside the config, in root's directory (never in a data directory the service account writes).
TOKEN_FILE = 'bootstrap.token'
ENVIRONMENT_FILE = 'gofer.env'
LOOPBACK_ENVIRONMENT_FILE = 'gofer-bootstrap.env'
# GET /api/system/metadata answers without a token, even with bypass_auth = false.
PROBE_PATH = '/api/system/metadata'
# The images of the standard extensions Gofer starts at boot (docs/gofer-behaviour.md §5).
STD_EXTENSION_IMAGES = ('ghcr.io/clintjedwards/gofer/extensions/cron:latest',
                        'ghcr.io/clintjedwards/gofer/extensions/interval:latest')
# Directories purge never removes, even when the config names them: they are not Gofer's alone.
SHARED_DIRS = frozenset(['/', '/tmp', '/var', '/var/lib', '/var/tmp', '/var/backups', '/etc', '/srv', '/opt', '/home', '/root',
                         '/usr', '/usr/local', '/usr/local/lib', '/usr/local/bin', '/usr/bin', '/bin'])
SQLITE_SIDE_FILES = ('', '-wal', '-shm', '-journal')
TLS_PATHS = ('external_events.tls_cert_path', 'external_events.tls_key_path', 'extensions.tls_cert_path',
             'extensions.tls_key_path')
# The keys whose paths purge removes.
PURGED_KEYS = frozenset(SQLITE_KEYS + DIRECTORY_KEYS + TLS_PATHS)


def variable(path):
    """The role variable of a config key: gofer_<section>_<key>."""
    return 'gofer_' + path.replace('.', '_')


def every_key():
    """Every key any release reads, grouped by table in v0.7's order: {path: [schema ids that read it]}."""
    order = []
    for schema_id, _first, _name in S.SCHEMA_IDS:
        for path in S.SCHEMAS[schema_id]['keys']:
            if path in order:
                continue
            table = path.rsplit('.', 1)[0]
            same = [i for i, p in enumerate(order) if p.rsplit('.', 1)[0] == table]
            related = [i for i, p in enumerate(order) if p.rsplit('.', 1)[0].split('.')[0] == table.split('.')[0]]
            at = (same or related or [len(order) - 1])[-1] + 1
            order.insert(at, path)
    return {path: [sid for sid, _f, _n in S.SCHEMA_IDS if path in S.SCHEMAS[sid]['keys']] for path in order}


def renamed_from(path):
    """The key a later release renamed to path, or None."""
    old = [o for _r, c in S.CHANGES for o, n in c.get('rename', {}).items() if n == path]
    return old[0] if old else None


def version_dependent(path, ids):
    """Keys whose role default is null (the selected release's own default): it differs by release, or the key
    was renamed, so that a value the user gave can be told from the default."""
    defaults = {json.dumps(S.SCHEMAS[i]['keys'][path]['default']) for i in ids}
    renames = {p for _r, c in S.CHANGES for pair in c.get('rename', {}).items() for p in pair}
    return path not in ROLE_DEFAULTS and (len(defaults) > 1 or path in renames)


def role_variables():
    """[(variable, key, spec of the newest release that reads it, [schema ids], role default)], in file order.

    The default of REQUIRED keys is absent (the tuple holds None); durations default to their shortest string.
    """
    out = []
    for path, ids in every_key().items():
        spec = S.SCHEMAS[ids[-1]]['keys'][path]
        default = ROLE_DEFAULTS.get(path, (spec['default'], None))[0]
        if version_dependent(path, ids) or path in REQUIRED:
            default = None
        elif spec['unit'] == 'seconds':
            default = format_duration(default)
        out.append((variable(path), path, spec, ids, default))
    return out


_VARIABLES = role_variables()
VARIABLE_KEYS = {name: path for name, path, _spec, _ids, _default in _VARIABLES}
VARIABLE_DEFAULTS = {name: default for name, _path, _spec, _ids, default in _VARIABLES}


def shown(value):
    text = repr(value) if not isinstance(value, str) else '"%s"' % value
    return text if len(text) <= 60 else text[:57] + '..."'


def as_bool(value, name):
    """A boolean as Ansible's own type conversion reads it (yes/no, on/off, true/false, 1/0), or an error naming name."""
    if isinstance(value, bool):
        return value
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise RoleConfigError('%s: %s is not a boolean; write true or false (yes/no, on/off and 1/0 are taken too).'
                              % (name, shown(value)))


def as_int(value, name):
    """A whole number, from an integer or a string of digits (as -e name=value gives), or an error naming name."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 20:
        return int(value.strip())
    raise RoleConfigError('%s: %s is not a whole number; write one without quotes or units.' % (name, shown(value)))


def as_seconds(value, name):
    try:
        return parse_duration(value)
    except ValueError as e:
        raise RoleConfigError('%s: %s' % (name, e))


def flat_overrides(overrides):
    """gofer_config_overrides, a config in the shape of the TOML file, as {dotted key: value}."""
    if not isinstance(overrides, dict):
        raise RoleConfigError('%s: %s is not a mapping; write it in the shape of the config, such as '
                              '{api: {log_level: warn}}.' % (OVERRIDES, shown(overrides)))
    flat, stack = {}, [('', overrides)]
    while stack:
        prefix, node = stack.pop()
        for name, value in node.items():
            if isinstance(value, dict) and value:
                stack.append((prefix + str(name) + '.', value))
            else:
                flat[prefix + str(name)] = value
    return flat


def _value(values, over, name, path, spec, release_spec, default):
    """The value the role writes for one key (precedence in the module docstring), or KeyError when none."""
    given = values.get(name, default)
    if default is None:
        if given is None:
            if path in over:
                given = over[path]
            elif renamed_from(path) and values.get(variable(renamed_from(path))) is not None:
                given = values[variable(renamed_from(path))]
            elif spec['optional']:
                raise KeyError(path)
            else:
                given = release_spec['default']
    elif path in over and given == default:
        given = over[path]
    label = '%s (or %s %s)' % (name, OVERRIDES, path)
    if spec['unit'] == 'seconds':
        return as_seconds(given, label)
    if spec['type'] == S.BOOL:
        return as_bool(given, label)
    if spec['type'] == S.U64:
        return as_int(given, label)
    return given


def effective(values, version=None, validate=True):
    """The config the role places and what every later step needs from it.

    values: the gofer_* variables that are defined ({name: value}); version: gofer_version (None: the module's
    default schema); validate: also run gofer.gofer.server_config's validation of the config. Returns a dict with no
    secret in it: the secret store's key is added only by render().
    """
    schema = S.schema_for(S.DEFAULT_VERSION if version is None else version)
    over = flat_overrides(values[OVERRIDES]) if values.get(OVERRIDES) is not None else {}
    config, elsewhere = {}, {}
    for name, path, spec, _ids, default in _VARIABLES:
        if path in REQUIRED:
            continue
        try:
            if path in schema['keys']:
                config[path] = _value(values, over, name, path, spec, schema['keys'][path], default)
            elif path in PURGED_KEYS and isinstance(values.get(name, default), str):
                # Another release's store (the sqlite object store before v0.9): purge removes it too.
                elsewhere[path] = values.get(name, default)
        except KeyError:
            continue
    for path, value in config.items():
        _literal(path, value)  # a value TOML cannot hold is an error now, before any change, naming its variable
    key = values.get(variable(SECRET_KEY))
    if validate and values.get('gofer_state', 'present') == 'present' and isinstance(key, str):
        check(config, values, version)
    dest = posixpath.normpath(values.get('gofer_config_dest', DEFAULT_DEST))
    api = api_url(config['server.bind_address'], config['server.use_tls'])
    loopback_api = api_url(loopback(config['server.bind_address']), config['server.use_tls'])
    starts_images = std_extensions(config, schema)
    installed = install_dir(values.get('gofer_install_dir', DEFAULT_INSTALL_DIR))
    return {
        'release': schema['id'],
        'header': version if version is not None else S.DEFAULT_VERSION,
        'config': config,
        'api_url': api,
        'probe_url': api + PROBE_PATH,
        # The first start binds both listeners to loopback until the root token is saved.
        'loopback': {'server': loopback(config['server.bind_address']),
                     'events': loopback(config['external_events.bind_address'])},
        'loopback_url': loopback_api,
        'loopback_probe_url': loopback_api + PROBE_PATH,
        'bootstrap_reopens': S.release_of(version or S.DEFAULT_VERSION) < S.BOOTSTRAP_FLAG_SINCE,
        'token_path': posixpath.join(posixpath.dirname(dest), TOKEN_FILE),
        'environment_path': posixpath.join(posixpath.dirname(dest), ENVIRONMENT_FILE),
        'loopback_environment_path': posixpath.join(posixpath.dirname(dest), LOOPBACK_ENVIRONMENT_FILE),
        'data_dirs': sorted(data_dirs(config)),
        'home': posixpath.dirname(posixpath.normpath(config['server.storage_path'])),
        'std_extensions': starts_images,
        'purge': dict(purge_paths(dict(elsewhere, **config), dest),
                      # Beside the config: its backups (they hold the encryption key) and earlier root tokens.
                      beside=[r'^%s\.[0-9]+\.[0-9-]+@[0-9:]+~\Z' % re.escape(posixpath.basename(dest)),
                              r'^%s\.before-[0-9TZ]+(\.[0-9]+)?\Z' % re.escape(TOKEN_FILE),
                              r'^\.%s\..+\Z' % re.escape(TOKEN_FILE)]),
        # The rollback's snapshots (server_config's snapshot_dir): purge removes them, by their names and files.
        'snapshots': snapshots(values.get('gofer_snapshot_dir', DEFAULT_SNAPSHOT_DIR)),
        'extension_images': list(STD_EXTENSION_IMAGES) if starts_images else [],
        'docker_socket': S.DOCKER_SOCKET,
        'api_headers': dict(S.API_HEADERS),
        'install_dir': installed,
        # <gofer_install_dir>/<release>/gofer, where the binary of gofer_version is installed.
        'versioned_binary': posixpath.join(installed, str(version), 'gofer') if version is not None else None,
        # The sha256 digest gofer_binary_checksum gives, in lower case, without its "sha256:" prefix.
        'binary_checksum': re.sub(r'^sha256:', '', str(values.get('gofer_binary_checksum') or '')).lower(),
        # Root runs, links and removes files under these: each must be root's, and only root's to write, up to /.
        'root_paths': root_paths({'gofer_install_dir': installed,
                                  'gofer_binary_path': posixpath.dirname(posixpath.normpath(
                                      str(values.get('gofer_binary_path', DEFAULT_BINARY_PATH))))}),
    }


def check(config, values, version):
    """The validation gofer.gofer.server_config runs on the controller, run before the role changes anything (the
    service account is created before the config is placed). Its message is the module's."""
    key = values[variable(SECRET_KEY)]
    parsed = {}
    for path, value in dict(config, **{SECRET_KEY: key}).items():
        node = parsed
        parts = path.split('.')
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    findings = _validate.validate(parsed, version=S.DEFAULT_VERSION if version is None else version,
                                  allow_insecure=bool(as_bool(values.get('gofer_allow_insecure', False),
                                                              'gofer_allow_insecure')))
    errors = _validate.errors(findings)
    if errors:
        message = _validate.invalid_message('content', errors)
        for secret in sorted([key] + [v for v in values.get('gofer_secret_values') or [] if isinstance(v, str) and v],
                             key=len, reverse=True):
            message = message.replace(secret, '********')
        raise RoleConfigError(message)


def install_dir(path):
    """gofer_install_dir, normalised; removal deletes the role's files under it, so it must be Gofer's own."""
    text = str(path)
    normal = posixpath.normpath(text)
    if '..' in text.split('/') or normal in SHARED_DIRS or not posixpath.isabs(normal):
        raise RoleConfigError('gofer_install_dir: "%s" is %s; give a directory of Gofer\'s own, such as '
                              '/usr/local/lib/gofer.' % (text[:80], 'a shared system directory' if normal in SHARED_DIRS
                                                         else 'not an absolute path without ".."'))
    return normal


def root_paths(tops):
    """{path: variable} of every directory from / down to each top (for unsafe_paths)."""
    found = {}
    for name, top in sorted(tops.items()):
        parts = [p for p in top.split('/') if p]
        for i in range(len(parts) + 1):
            found.setdefault('/' + '/'.join(parts[:i]), name)
    return found


def unsafe_paths(lines, paths):
    """Messages for the paths in `stat --format='%u %f %n'` output that another user owns or can write.

    A path that does not exist (the install directory before the first install) is not listed by stat."""
    problems = []
    for line in lines:
        uid, raw, path = (line.split(' ', 2) + ['', ''])[:3]
        if path not in paths or not uid.isdigit():
            continue
        mode = int(raw, 16) if all(c in '0123456789abcdef' for c in raw) and raw else 0
        link = mode & 0o170000 == 0o120000
        # A sticky directory (/tmp) lets nobody else rename or remove root's entries in it.
        writable = not link and mode & 0o022 and not mode & 0o1000
        if int(uid) != 0 or writable:
            problems.append('%s: %s is %s, so another user could change what root runs or links there. Give a '
                            'path whose every directory is root\'s and writable by root only.'
                            % (paths[path], path, 'owned by uid %s' % uid if int(uid) != 0
                               else 'writable by its group or by others (mode %04o)' % (mode & 0o7777)))
    return problems


def api_url(address, use_tls):
    """The base URL of Gofer's API on a bind address; 0.0.0.0 and [::] binds are reached on loopback. With
    server.use_tls Gofer serves its embedded certificate, so a client cannot verify it."""
    address = str(address)
    if address.startswith('0.0.0.0:'):
        address = '127.0.0.1:' + address[len('0.0.0.0:'):]
    elif address.startswith('[::]:'):
        address = '[::1]:' + address[len('[::]:'):]
    return '%s://%s' % ('https' if use_tls else 'http', address)


def loopback(address):
    """The same port on 127.0.0.1."""
    return '127.0.0.1:' + str(address).rsplit(':', 1)[-1]


def std_extensions(config, schema):
    """Whether Gofer will start the standard extension images at boot: always, unless the release honours
    extensions.install_std_extensions (v0.8.4 and later) and it is false."""
    spec = schema['keys']['extensions.install_std_extensions']
    return bool(config['extensions.install_std_extensions']) or not spec['used']


def snapshots(directory):
    """Where the rollback's snapshots are (None: not taken), how purge finds them (the directory names and the
    files server_config writes in them), and whether the directory itself goes when a purge leaves it empty."""
    directory = posixpath.normpath(str(directory)) if directory else None
    # A killed run's partial snapshot too: it may hold the encryption key.
    return {'dir': directory, 'patterns': [_snapshot.NAME.pattern, _snapshot.PARTIAL.pattern],
            'files': list(_snapshot.PARTS),
            'remove_dir': [directory] if directory and directory not in SHARED_DIRS else []}


def purge_paths(config, dest):
    """What gofer_purge removes: the files the config names (each sqlite store with its journal files), the task
    logs and object store directories, the config with the module's key record and the TLS files; never a shared
    system directory. dirs: the directories removed only when the purge left them empty."""
    dest = posixpath.normpath(dest)
    directory = posixpath.dirname(dest)
    files = [dest, posixpath.join(directory, '.%s.keyguard' % posixpath.basename(dest)),
             posixpath.join(directory, TOKEN_FILE)]
    stores = [posixpath.normpath(config[key]) for key in SQLITE_KEYS if isinstance(config.get(key), str)]
    files += [path + suffix for path in stores for suffix in SQLITE_SIDE_FILES]
    files += [posixpath.normpath(config[key]) for key in DIRECTORY_KEYS if key in config]
    files += [posixpath.normpath(config[key]) for key in TLS_PATHS if config.get(key)]
    dirs = []
    for path in [posixpath.dirname(p) for p in stores] + [posixpath.dirname(dest)]:
        if path not in dirs:
            dirs.append(path)
    return {'paths': [p for p in files if p not in SHARED_DIRS], 'dirs': [d for d in dirs if d not in SHARED_DIRS]}


def render(result, encryption_key):
    """The TOML text the role places: every key the release reads, in the order of the file, by table."""
    config = dict(result['config'], **{SECRET_KEY: encryption_key})
    lines = ['# Managed by Ansible (role gofer.gofer.server): local changes are overwritten.',
             '# Gofer server config for Gofer %s. Every key that release reads is' % result['header'],
             '# written out, so none inherits Gofer\'s built-in defaults.']
    table = None
    for path in every_key():
        if path not in config:
            continue
        section, key = path.rsplit('.', 1)
        if section != table:
            table = section
            lines += ['', '[%s]' % section]
        lines.append('%s = %s' % (key, _literal(path, config[path])))
    return '\n'.join(lines) + '\n'


def _literal(path, value):
    try:
        return toml_value(value)
    except (TypeError, ValueError) as e:
        raise RoleConfigError('%s%s: %s' % (variable(path), '' if path in REQUIRED else ' (or %s %s)' % (OVERRIDES, path),
                                            e))
