# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A STAND-IN for Docker's API, owned by this collection's tests. It is not Docker.

The service scenarios run it inside their test container, as a systemd unit, on the container's own
/var/run/docker.sock (group docker, mode 0660), so that no test reaches the Docker engine of the
machine the tests run on. It answers exactly what the role (roles/server/tasks/steps/images.yml) and the
Gofer stand-in (tests/standin/gofer_standin.py) ask:

- ``GET /_ping``: 200 ``OK``;
- ``GET /images/<name>/json``: 200 with a small inspect body when <name> (``:latest`` when no tag is
  given) is in the image list, 404 ``No such image`` otherwise;
- ``POST /images/create?fromImage=<name>``: a pull, which fails as it does without a registry
  (500, ``lookup ghcr.io: no such host``); no image is ever added by a pull;
- anything else: 404.

The image list is the JSON list of names in IMAGES_FILE, read on every request: tests add and
remove images by rewriting it. Every request is appended to REQUESTS_FILE (one line:
``METHOD PATH STATUS``), so tests can tell what the role asked.

    docker_standin.py [SOCKET [IMAGES_FILE [REQUESTS_FILE]]]
"""

import http.server
import json
import os
import socketserver
import sys
import urllib.parse

SOCKET = '/var/run/docker.sock'
IMAGES_FILE = '/etc/docker-standin/images.json'
REQUESTS_FILE = '/var/log/docker-standin/requests.log'


def images(path):
    try:
        with open(path) as f:
            names = json.load(f)
    except FileNotFoundError:
        return set()
    return {normalise(name) for name in names}


def normalise(name):
    """Docker's default tag: a name without a tag means :latest."""
    if ':' not in name.rsplit('/', 1)[-1] and '@' not in name:
        name += ':latest'
    return name


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = 'docker-standin'

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        if path in ('/_ping', '/v1.41/_ping'):
            return self.answer(200, b'OK', 'text/plain')
        if path.startswith('/images/') and path.endswith('/json'):
            name = normalise(path[len('/images/'):-len('/json')])
            if name in images(self.server.images_file):
                return self.answer(200, {'Id': 'sha256:' + '0' * 64, 'RepoTags': [name]})
            return self.answer(404, {'message': 'No such image: %s' % name})
        return self.answer(404, {'message': 'page not found (docker stand-in)'})

    def do_HEAD(self):
        return self.do_GET()

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        if url.path == '/images/create':
            image = urllib.parse.parse_qs(url.query).get('fromImage', [''])[0]
            registry = image.split('/', 1)[0] if '/' in image else 'registry-1.docker.io'
            return self.answer(500, {'message': 'Get "https://%s/v2/": dial tcp: lookup %s: no such host '
                                     '(docker stand-in: no registry)' % (registry, registry)})
        return self.answer(404, {'message': 'page not found (docker stand-in)'})

    def answer(self, status, body, content_type='application/json'):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Api-Version', '1.41')
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)
        if self.server.requests_file:
            with open(self.server.requests_file, 'a') as f:
                f.write('%s %s %d\n' % (self.command, self.path, status))

    def address_string(self):
        return 'unix'

    def log_message(self, fmt, *args):
        print('docker stand-in: ' + fmt % args, file=sys.stderr, flush=True)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main(argv):
    sock = argv[1] if len(argv) > 1 else SOCKET
    images_file = argv[2] if len(argv) > 2 else IMAGES_FILE
    requests_file = argv[3] if len(argv) > 3 else REQUESTS_FILE
    if requests_file:
        os.makedirs(os.path.dirname(requests_file), exist_ok=True)
    # Bound beside its path, given its group and mode, then renamed into place: whoever sees the socket sees it
    # ready, as Docker's own.
    tmp = sock + '.new'
    for path in (tmp, sock):
        if os.path.lexists(path):
            os.unlink(path)
    old = os.umask(0o117)
    try:
        server = Server(tmp, Handler)
    finally:
        os.umask(old)
    server.images_file, server.requests_file = images_file, requests_file
    try:
        import grp
        os.chown(tmp, 0, grp.getgrnam('docker').gr_gid)
    except (KeyError, PermissionError):
        pass  # run by hand, without a docker group or root: the socket stays the caller's
    os.chmod(tmp, 0o660)
    os.rename(tmp, sock)
    print('docker stand-in: serving %s, images from %s' % (sock, images_file), file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
