# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who listens where a URL points (Linux /proc, standard library only).

PRIVATE to the gofer.gofer collection; target code. Before gofer.gofer.server_token sends the bootstrap request or
the held root token, it checks that every socket that could accept the connection was opened by the user Gofer's
main process runs as: a local user who bound the port first would otherwise be handed the request, or the token.
The owner of a socket is in /proc/net/tcp for anyone to read; which process holds it is not (reading another
user's /proc/<pid>/fd takes CAP_SYS_PTRACE, which root lacks in a container), so the check is by user.
"""

from __future__ import annotations

import ipaddress
import os
import sys

from urllib.parse import urlsplit

LISTEN = '0A'
_WILDCARDS = (ipaddress.ip_address('0.0.0.0'), ipaddress.ip_address('::'))


def _address(hex_address):
    """An address of /proc/net/tcp{,6}: the kernel prints each 32-bit word of it in the host's byte order."""
    raw = bytes.fromhex(hex_address)
    words = b''.join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)) if sys.byteorder == 'little' else raw
    address = ipaddress.ip_address(words)
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def listeners(port, proc='/proc'):
    """(address, uid) of every TCP socket listening on port, IPv4 and IPv6: uid is the user that opened it."""
    found = []
    for name in ('tcp', 'tcp6'):
        try:
            with open(os.path.join(proc, 'net', name)) as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != LISTEN:
                continue
            host, _sep, hex_port = fields[1].rpartition(':')
            if int(hex_port, 16) == port:
                found.append((_address(host), int(fields[7])))
    return found


def uid_of(pid, proc='/proc'):
    """The effective user of process pid."""
    with open(os.path.join(proc, str(pid), 'status')) as f:
        for line in f:
            if line.startswith('Uid:'):
                return int(line.split()[2])
    raise OSError(2, 'no Uid line')


def reaches(listener, host):
    """Whether a connection to host may be accepted by a socket listening on listener's address."""
    if listener in _WILDCARDS:
        return True
    try:
        return listener == ipaddress.ip_address(host)
    except ValueError:  # a name: any address it resolves to may be the listener's
        return True


def check(host, port, pid, proc='/proc'):
    """None when every socket that could accept a connection to host:port was opened by the user of process pid,
    else why not."""
    candidates = [(address, uid) for address, uid in listeners(port, proc) if reaches(address, host)]
    if not candidates:
        return 'nothing listens on port %d' % port
    try:
        owner = uid_of(pid, proc)
    except (OSError, ValueError) as e:
        return 'the user of process %d cannot be read (%s)' % (pid, getattr(e, 'strerror', None) or e)
    strangers = sorted('%s (uid %d)' % (address, uid) for address, uid in candidates if uid != owner)
    if strangers:
        return ('port %d is held by another user than uid %d of process %d (listening on %s)'
                % (port, owner, pid, ', '.join(strangers)))
    return None


def host_port(url):
    """The host and port a http(s) URL connects to."""
    parts = urlsplit(url)
    return parts.hostname or 'localhost', parts.port or (443 if parts.scheme == 'https' else 80)


__all__ = ['check', 'host_port', 'listeners', 'uid_of']
