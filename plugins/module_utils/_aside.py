# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Move an sqlite database and its journal files aside, all of them or none (standard library only).

PRIVATE to the gofer.gofer collection; target code, for gofer.gofer.server_config (a reset across a release) and
gofer.gofer.server_token (a claim lost on loopback). The database lives in a directory the service account owns, so
it may plant names there: nothing is moved over an existing name (a hard link fails where rename would replace),
the directory is opened once (a link swapped in for it later is not followed), and a failure puts back what moved.
"""

from __future__ import annotations

import os

# The journal files first, the database last: a run killed in between never leaves the old database's journal
# beside the new database Gofer creates (sqlite would replay it into that one).
SIDE_FILES = ('-wal', '-shm', '-journal', '')


class MoveError(Exception):
    """Nothing was moved (or the message says what could not be put back)."""


def present(database):
    """The names of database and its journal files that exist, in the order they move."""
    return [database + suffix for suffix in SIDE_FILES if os.path.lexists(database + suffix)]


def move(database, target):
    """Move database + suffix to target + suffix (target beside it) for each that exists. Returns
    [{'from': ..., 'to': ...}]; raises MoveError naming what is in the way."""
    directory, name = os.path.split(database)
    target_dir, target_name = os.path.split(target)
    if target_dir != directory:
        raise MoveError('%s is not beside %s.' % (target, database))
    try:
        dfd = os.open(directory or '.', os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0))
    except OSError as e:
        raise MoveError('the directory %s of the database cannot be opened (%s).' % (directory, e.strerror))
    try:
        names = [(name + suffix, target_name + suffix) for suffix in SIDE_FILES if _exists_at(dfd, name + suffix)]
        for _source, planted in names:
            if _exists_at(dfd, planted):
                raise MoveError('%s exists already; nothing was moved (the database and its journal files move '
                                'together). Remove it, or run again.' % os.path.join(directory, planted))
        moved = []
        for source, dest in names:
            try:
                os.link(source, dest, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
                os.unlink(source, dir_fd=dfd)
            except OSError as e:
                raise MoveError('could not move %s aside to %s (%s); %s'
                                % (os.path.join(directory, source), os.path.join(directory, dest), e.strerror,
                                   _undo(dfd, moved)))
            moved.append((source, dest))
    finally:
        os.close(dfd)
    return [{'from': os.path.join(directory, s), 'to': os.path.join(directory, t)} for s, t in moved]


def _exists_at(dfd, name):
    try:
        os.lstat(name, dir_fd=dfd)
    except FileNotFoundError:
        return False
    return True


def _undo(dfd, moved):
    """Put back what a failed move moved; say what could not be put back."""
    left = []
    for source, dest in reversed(moved):
        try:
            os.link(dest, source, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
            os.unlink(dest, dir_fd=dfd)
        except OSError as e:
            left.append('%s is still at %s (%s)' % (source, dest, e.strerror))
    if left:
        return 'these could not be put back, move them by hand before Gofer starts: %s.' % '; '.join(left)
    return 'nothing was moved.' if not moved else 'what was moved is back in place.'
