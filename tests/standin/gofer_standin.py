# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A STAND-IN for the Gofer binary, owned by this collection's tests. It is not Gofer.

The real Gofer binary cannot be built or downloaded on the machines these tests run on, so the
role's install, service, upgrade and rollback paths are exercised with this program instead. It
copies only the outside of Gofer that the role relies on, as docs/gofer-behaviour.md describes it:

- ``gofer --version`` prints ``gofer <version>`` (clap's ``#[command(version)]`` in Gofer's CLI);
- ``gofer service start`` reads only /etc/gofer/gofer_web.toml, creates the sqlite files but not
  their directories (exit 101 when a directory is missing or not writable, as Gofer panics), needs
  /var/run/docker.sock and the two standard extension images (exit 1 otherwise), and answers
  ``GET /api/system/metadata`` with the header ``gofer-api-version: v0`` on server.bind_address;
- per release (docs/gofer-behaviour.md §3, §5, §7): from v0.9.0 the object store is the directory
  object_store.filesystem.path, created with its parents, and ``engine = "sqlite"`` stops it (exit 1,
  unknown variant); from v0.8.4 ``extensions.install_std_extensions = false`` skips the extensions,
  and from v0.9.0 ``true`` pulls their images at every start, which fails without a registry (exit 1);
  the main database is sqlite in WAL mode and carries the schema generation of the release that created it (a
  table here, a migration checksum in Gofer), and a release of another generation panics on it (exit 101,
  VersionMismatch), while the failed start leaves the file as it was;
- ``GOFER_WEB_*`` environment variables override the file (prefix stripped, ``__`` nests, a value in double
  quotes is a string), for the keys the stand-in reads;
- the root token, as Gofer's source has it at every tag (docs/gofer-behaviour.md §8): ``POST /api/tokens/bootstrap``
  needs no token, answers 400 without the version header, 201 with ``{"token_details", "secret"}`` to the first
  caller and 409 ``Bootstrap token already exists`` after; from v0.8.4 a flag in the database marks it claimed,
  before that the endpoint opens again once every management token is deleted (``DELETE /api/tokens/{id}``).
  ``GET /api/tokens/whoami`` answers 400 without an Authorization header, 401 for an unknown token and 200 with
  the token's details for a known one. Tokens live in the main database.

Tests write variants of it by replacing the two markers below: VERSION, and BEHAVIOUR, one of
``serve`` (comes up), ``exit`` (exits at once with status 1), ``hang`` (starts, never answers), ``noclaim``
(serves, but answers 500 to the bootstrap request, for a first start whose claim fails) and ``scribble`` (opens the
main database, writes a row to it, then exits with status 1: a release that changed the data before it failed).
"""

import http.client
import http.server
import json
import os
import secrets
import signal
import string
import socket
import sqlite3
import sys
import time
import tomllib

VERSION = '@VERSION@'
BEHAVIOUR = '@BEHAVIOUR@'
CONFIG = '/etc/gofer/gofer_web.toml'
DOCKER_SOCKET = '/var/run/docker.sock'
IMAGES = ('ghcr.io/clintjedwards/gofer/extensions/cron:latest',
          'ghcr.io/clintjedwards/gofer/extensions/interval:latest')
DEFAULTS = {'server.bind_address': '0.0.0.0:8080', 'server.storage_path': '/tmp/gofer.db',
            'object_store.sqlite.path': '/tmp/gofer_objects.db', 'object_store.filesystem.path': '/tmp/gofer_objects',
            'secret_store.sqlite.path': '/tmp/gofer_secrets.db', 'extensions.install_std_extensions': True,
            'object_store.engine': 'filesystem'}  # read from v0.9.0 only
# The releases that rewrote the main database's migration in place (docs/gofer-behaviour.md §7).
REWRITES = [(0, 7, 3), (0, 8, 0), (0, 8, 1), (0, 9, 0)]
RELEASE = tuple(int(part) for part in VERSION.split('.'))
GENERATION = 'gofer-standin database generation %d' % len([r for r in REWRITES if r <= RELEASE])


def log(message):
    print('gofer stand-in %s: %s' % (VERSION, message), file=sys.stderr, flush=True)


def setting(config, dotted):
    env = os.environ.get('GOFER_WEB_' + dotted.upper().replace('.', '__'))
    if env is not None:
        return env[1:-1] if len(env) > 1 and env[0] == env[-1] == '"' else env
    node = config
    for part in dotted.split('.'):
        if not isinstance(node, dict) or part not in node:
            return DEFAULTS[dotted]
        node = node[part]
    return node


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('localhost', timeout=10)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def docker_get(path):
    conn = UnixConnection(DOCKER_SOCKET)
    conn.request('GET', path)
    response = conn.getresponse()
    response.read()
    return response.status


DATABASE = None  # server.storage_path, set at start


def database():
    """The main database: sqlite in WAL mode, as Gofer opens it (docs/gofer-behaviour.md §3)."""
    conn = sqlite3.connect(DATABASE, timeout=10)
    conn.execute('PRAGMA journal_mode=WAL')
    return conn


def tokens():
    """{id: secret} of the management tokens in the database, and whether the claimed flag (v0.8.4+) is set."""
    conn = database()
    try:
        found = dict(conn.execute('SELECT id, secret FROM tokens ORDER BY rowid'))
        flag = conn.execute("SELECT count(*) FROM flags WHERE name = 'bootstrap_token_created'").fetchone()[0] > 0
    finally:
        conn.close()
    return found, flag


def write_tokens(found, flag):
    conn = database()
    try:
        with conn:
            conn.execute('DELETE FROM tokens')
            conn.executemany('INSERT INTO tokens (id, secret) VALUES (?, ?)', found.items())
            if flag:
                conn.execute("INSERT OR IGNORE INTO flags (name) VALUES ('bootstrap_token_created')")
    finally:
        conn.close()


def open_main_database(path):
    """Create the schema of this release's generation in a new database; refuse one of another generation.

    Returns None, or the message of Gofer's panic. A refused database is left as it was."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute('PRAGMA journal_mode=WAL')
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            with conn:
                conn.execute('CREATE TABLE generation (value TEXT NOT NULL)')
                conn.execute('CREATE TABLE tokens (id TEXT PRIMARY KEY, secret TEXT NOT NULL)')
                conn.execute('CREATE TABLE flags (name TEXT PRIMARY KEY)')
                conn.execute('CREATE TABLE runs (note TEXT)')
                conn.execute('INSERT INTO generation (value) VALUES (?)', (GENERATION,))
            return None
        found = conn.execute('SELECT value FROM generation').fetchone() if 'generation' in tables else None
        if found is None or found[0] != GENERATION:
            return 'VersionMismatch(0): %s was written by another release' % path
        return None
    finally:
        conn.close()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path not in ('/api/system/metadata', '/api/tokens/whoami'):
            return self.answer(404, {'message': 'not found'})
        if self.headers.get('gofer-api-version') != 'v0':
            return self.answer(400, {'message': 'missing gofer-api-version header'})
        if self.path == '/api/system/metadata':
            return self.answer(200, {'commit': 'stand-in', 'semver': VERSION})
        token_id = self.authorised()
        if token_id:
            return self.answer(200, {'token': {'id': token_id, 'user': 'root'}})

    def do_POST(self):
        if self.path != '/api/tokens/bootstrap':
            return self.answer(404, {'message': 'not found'})
        if self.headers.get('gofer-api-version') != 'v0':
            return self.answer(400, {'message': 'missing gofer-api-version header'})
        if BEHAVIOUR == 'noclaim':
            return self.answer(500, {'message': 'Could not insert token into database (the "noclaim" variant)'})
        found, flag = tokens()
        if flag or (RELEASE < (0, 8, 4) and found):
            return self.answer(409, {'request_id': 'stand-in', 'message': 'Bootstrap token already exists'})
        secret = ''.join(secrets.choice(string.ascii_letters + string.digits) for _count in range(32))
        token_id = 'tok%d' % (len(found) + 1)
        found[token_id] = secret
        write_tokens(found, RELEASE >= (0, 8, 4))
        return self.answer(201, {'token_details': {'id': token_id, 'user': 'root', 'roles': ['bootstrap']},
                                 'secret': secret})

    def do_DELETE(self):
        if not self.path.startswith('/api/tokens/'):
            return self.answer(404, {'message': 'not found'})
        if self.headers.get('gofer-api-version') != 'v0':
            return self.answer(400, {'message': 'missing gofer-api-version header'})
        if self.authorised():
            found, flag = tokens()
            found.pop(self.path[len('/api/tokens/'):], None)
            write_tokens(found, flag)
            return self.answer(204, None)

    def authorised(self):
        """The id of the Bearer token of the request, or None after answering 400 or 401."""
        header = self.headers.get('Authorization')
        if not header or not header.startswith('Bearer '):
            self.answer(400, {'message': 'missing Authorization header'})
            return None
        by_secret = {secret: token_id for token_id, secret in tokens()[0].items()}
        if header[len('Bearer '):] not in by_secret:
            self.answer(401, {'message': 'Unauthorized'})
            return None
        return by_secret[header[len('Bearer '):]]

    def answer(self, status, body):
        data = json.dumps(body).encode() if body is not None else b''
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        log(fmt % args)


def start():
    if BEHAVIOUR == 'exit':
        log('exiting at once (the "exit" variant)')
        return 1
    try:
        with open(CONFIG, 'rb') as f:
            config = tomllib.load(f)
    except FileNotFoundError:
        config = {}
    if RELEASE >= (0, 9, 0) and setting(config, 'object_store.engine') != 'filesystem':
        log('unknown variant: found `%s`, expected `filesystem` for key "default.object_store.engine"'
            % setting(config, 'object_store.engine'))
        return 1
    files = ['server.storage_path', 'secret_store.sqlite.path']
    if RELEASE < (0, 9, 0):
        files.append('object_store.sqlite.path')
    else:
        try:
            os.makedirs(setting(config, 'object_store.filesystem.path'), exist_ok=True)
        except OSError as e:
            log('panicked: could not create the object store directory: %s' % e)
            return 101
    for key in files:
        try:
            if key == 'server.storage_path':
                panic = open_main_database(setting(config, key))
                if panic:
                    log('panicked at storage/mod.rs: %s' % panic)
                    return 101
            else:
                with open(setting(config, key), 'a'):
                    pass
        except (OSError, sqlite3.Error) as e:
            log('panicked: could not create %s: %s' % (key, e))
            return 101
    if BEHAVIOUR == 'scribble':
        conn = sqlite3.connect(setting(config, 'server.storage_path'), timeout=10)
        with conn:
            conn.execute('INSERT INTO runs (note) VALUES (?)', ('written by %s before it failed' % VERSION,))
        conn.close()
        log('wrote to the database, then exits (the "scribble" variant)')
        return 1
    std_extensions = setting(config, 'extensions.install_std_extensions')
    try:
        if docker_get('/_ping') != 200:
            raise OSError('docker did not answer /_ping')
        if RELEASE >= (0, 9, 0) and std_extensions:
            log('Could not start extensions: pulling %s: lookup ghcr.io: no such host (this stand-in never pulls)'
                % IMAGES[0])
            return 1
        for image in IMAGES if std_extensions or RELEASE < (0, 8, 4) else ():
            if docker_get('/images/%s/json' % image) != 200:
                log('Could not start extensions: NoSuchImage %s' % image)
                return 1
    except OSError as e:
        log('Could not initialize scheduler: %s' % e)
        return 1
    if BEHAVIOUR == 'hang':
        log('started, never answering (the "hang" variant)')
        while True:
            time.sleep(3600)
    global DATABASE
    DATABASE = setting(config, 'server.storage_path')
    host, port = setting(config, 'server.bind_address').rsplit(':', 1)
    host = host.strip('[]')
    server_class = http.server.HTTPServer
    if ':' in host:
        server_class = type('Server6', (http.server.HTTPServer,), {'address_family': socket.AF_INET6})
    server = server_class((host, int(port)), Handler)
    log('serving on %s as uid %d' % (setting(config, 'server.bind_address'), os.getuid()))
    server.serve_forever()
    return 0


def main(argv):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if argv[1:] == ['--version']:
        print('gofer %s' % VERSION)
        return 0
    if argv[1:] == ['service', 'start']:
        return start()
    print('usage: gofer --version | gofer service start', file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
