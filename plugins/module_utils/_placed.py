# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading the config placed on the target, shared by gofer.gofer.server_config and server_config_info.

PRIVATE to the gofer.gofer collection. Standard library only (it runs on the target).

The file is treated as hostile: never read through a link, never opened in a way that blocks (a named pipe),
never read past a limit, and never cut silently. What is wrong with it is said, not guessed at.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time

MAX_CONFIG = 1024 * 1024  # a Gofer config is a few kilobytes
# Read, never through a link, never blocking on a FIFO or taking a terminal: for every file root reads in a
# directory another user may write.
_FLAGS = (os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0)
          | getattr(os, 'O_NOCTTY', 0))
_KINDS = ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a named pipe (FIFO)'), (stat.S_ISSOCK, 'a socket'),
          (stat.S_ISCHR, 'a character device'), (stat.S_ISBLK, 'a block device'), (stat.S_ISLNK, 'a symbolic link'))


def open_nofollow(path):
    """A descriptor to read path with, not following a link and not blocking; raises OSError (ELOOP for a link)."""
    return os.open(path, _FLAGS)


def lock_directory(directory, timeout):
    """flock(2) on directory itself (taking it creates nothing): a descriptor to close when done, None when the
    directory does not exist yet. Raises TimeoutError when another holder keeps it for timeout seconds."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0))
    except OSError:
        return None
    deadline = time.time() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES) or time.time() > deadline:
                os.close(fd)
                raise TimeoutError(directory)
            time.sleep(0.2)


def fsync_directory(directory):
    """Make a rename or a new name in directory durable: a crash after it leaves the new name, not the old."""
    fd = os.open(directory or '.', os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def kind(mode):
    """What a file of this mode is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), 'not a regular file')


def read(path):
    """{'data': bytes or None, 'text': str or None, 'problem': str or None} for the config at path.

    data and text are None when the file does not exist or cannot be used; problem then says why (None when the
    file does not exist). text is None when data is not UTF-8. A problem reads after the path: "<path> <problem>".
    """
    result = {'data': None, 'text': None, 'problem': None}
    try:
        fd = open_nofollow(path)
    except OSError as e:
        if e.errno == errno.ENOENT:
            return result
        if e.errno == errno.ELOOP:
            result['problem'] = 'is a symbolic link (not followed)'
        else:
            result['problem'] = 'could not be opened: %s' % os.strerror(e.errno)
        return result
    try:
        st = os.fstat(fd)
        what = kind(st.st_mode)
        if what is not None:
            # figment reads a path that is not a regular file as no config at all: Gofer then runs on its built-in
            # defaults, and those bypass authentication.
            result['problem'] = ('is %s, not a regular file; Gofer reads no config from it and runs on its built-in '
                                 'defaults, which bypass authentication. Replace it with the config file' % what)
            return result
        data = b''
        while st.st_size <= MAX_CONFIG and len(data) <= MAX_CONFIG:
            chunk = os.read(fd, MAX_CONFIG + 1 - len(data))
            if not chunk:
                break
            data += chunk
        if st.st_size > MAX_CONFIG or len(data) > MAX_CONFIG:
            result['problem'] = ('is %d bytes, more than the %d bytes (1 MiB) read of a config; a Gofer config is a '
                                 'few kilobytes, so it was not read' % (max(st.st_size, len(data)), MAX_CONFIG))
            return result
    except OSError as e:
        result['problem'] = 'could not be read: %s' % os.strerror(e.errno)
        return result
    finally:
        os.close(fd)
    result['data'] = data
    try:
        result['text'] = data.decode('utf-8')
    except UnicodeDecodeError as e:
        # Gofer reads the file as a UTF-8 string and fails to start on other bytes.
        result['problem'] = ('is not UTF-8 text (byte %d); TOML files must be UTF-8, and Gofer fails to start on '
                             'it' % e.start)
    return result
