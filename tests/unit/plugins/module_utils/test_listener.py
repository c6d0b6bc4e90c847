# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Who listens where the bootstrap request goes: real sockets of this test process, and /proc lines as the kernel
writes them (another user's socket cannot be made without root)."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

import pytest

from ansible_collections.gofer.gofer.plugins.module_utils import _listener as L

pytestmark = pytest.mark.skipif(not os.path.exists('/proc/net/tcp'), reason='Linux /proc only')

HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'


def line(n, address, state, uid, inode):
    return ('%4d: %s 00000000:0000 %s 00000000:00000000 00:00000000 00000000 %5d        0 %d 1\n'
            % (n, address, state, uid, inode))


@pytest.fixture
def proc(tmp_path):
    """A /proc: 127.0.0.1:8080 and [::1]:8080 of uid 999, 0.0.0.0:8081 of uid 1000, ::ffff:127.0.0.1:8082 of 999,
    a connection on 8080 (not listening) of 1000; process 42 runs as 999 (real uid 0)."""
    (tmp_path / 'net').mkdir()
    (tmp_path / '42').mkdir()
    (tmp_path / '42' / 'status').write_text('Name:\tgofer\nUid:\t0\t999\t999\t999\nGid:\t0\t0\t0\t0\n')
    (tmp_path / 'net' / 'tcp').write_text(HEADER + line(0, '0100007F:1F90', '0A', 999, 111)
                                          + line(1, '00000000:1F91', '0A', 1000, 222)
                                          + line(2, '0100007F:1F90', '01', 1000, 333))
    (tmp_path / 'net' / 'tcp6').write_text(HEADER + line(0, '00000000000000000000000001000000:1F90', '0A', 999, 444)
                                           + line(1, '0000000000000000FFFF00000100007F:1F92', '0A', 999, 555))
    return str(tmp_path)


@pytest.mark.skipif(sys.byteorder != 'little', reason='the lines above are as a little-endian kernel writes them')
def test_proc_net_lines_decode_as_the_kernel_writes_them(proc):
    assert L.listeners(8080, proc) == [(ipaddress.ip_address('127.0.0.1'), 999), (ipaddress.ip_address('::1'), 999)]
    assert L.listeners(8081, proc) == [(ipaddress.ip_address('0.0.0.0'), 1000)]
    # An IPv4-mapped IPv6 listener is the IPv4 address it maps.
    assert L.listeners(8082, proc) == [(ipaddress.ip_address('127.0.0.1'), 999)]
    assert L.uid_of(42, proc) == 999


@pytest.mark.skipif(sys.byteorder != 'little', reason='the lines above are as a little-endian kernel writes them')
def test_only_sockets_of_the_main_process_user_pass(proc):
    assert L.check('127.0.0.1', 8080, 42, proc) is None
    assert L.check('127.0.0.1', 8082, 42, proc) is None
    # A wildcard listener of another user takes connections to every address.
    assert L.check('127.0.0.1', 8081, 42, proc) == ('port 8081 is held by another user than uid 999 of process 42 '
                                                    '(listening on 0.0.0.0 (uid 1000))')
    assert L.check('gofer.example', 8081, 42, proc).startswith('port 8081 is held by another user')
    assert L.check('127.0.0.1', 9999, 42, proc) == 'nothing listens on port 9999'
    assert L.check('127.0.0.1', 8080, 43, proc).startswith('the user of process 43 cannot be read')


def test_a_port_this_process_listens_on_passes_and_one_bound_without_listening_does_not():
    sock, idle = socket.socket(), socket.socket()
    try:
        sock.bind(('127.0.0.1', 0))
        sock.listen(1)
        idle.bind(('127.0.0.1', 0))
        assert L.check('127.0.0.1', sock.getsockname()[1], os.getpid()) is None
        assert L.check('localhost', sock.getsockname()[1], os.getpid()) is None
        assert L.check('127.0.0.1', idle.getsockname()[1], os.getpid()) == (
            'nothing listens on port %d' % idle.getsockname()[1])
    finally:
        sock.close()
        idle.close()


def test_which_listeners_may_take_a_connection():
    assert L.reaches(ipaddress.ip_address('0.0.0.0'), '10.0.0.5')
    assert L.reaches(ipaddress.ip_address('::'), '127.0.0.1')
    assert not L.reaches(ipaddress.ip_address('::1'), '127.0.0.1')
    assert L.reaches(ipaddress.ip_address('127.0.0.1'), 'gofer.example')
    assert L.host_port('http://[::1]:9000/api') == ('::1', 9000)
    assert L.host_port('https://gofer.example') == ('gofer.example', 443)
