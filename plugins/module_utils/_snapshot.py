# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Snapshots for a rollback: the config, the module's record beside it and a consistent copy of the main database.

PRIVATE to the gofer.gofer collection. Standard library only (it runs on the target): gofer.gofer.server_config
takes one before it places a config for another release, gofer.gofer.server_restore puts one back.

A snapshot is a directory of root's, mode 0700, named <UTC time>-<from release>-to-<to release>, in a directory
whose every ancestor is root's and writable by no one else; it holds manifest.json, config, record and database.
The database is copied with sqlite's online backup API, which gives a consistent copy while Gofer writes to it
(WAL included). The database's directory belongs to the service account, which may plant links and names there,
so every sqlite call on it runs in a child process with the service account's user and group: root never opens a
file there by name, and the copy holds only what that account can read.
"""

from __future__ import annotations

import errno
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import stat
import tempfile
import time

from urllib.parse import quote

from ansible_collections.gofer.gofer.plugins.module_utils import _aside
from ansible_collections.gofer.gofer.plugins.module_utils import _placed

FORMAT = 1
MANIFEST = 'manifest.json'
MAX_MANIFEST = 64 * 1024
MAX_SMALL = 1024 * 1024  # the config and the record
NAME = re.compile(r'^[0-9]{8}T[0-9]{6}Z-[0-9a-z.]{1,16}-to-[0-9a-z.]{1,16}(-[0-9]{1,3})?\Z')
PARTIAL = re.compile(r'^\.[0-9]{8}T[0-9]{6}Z-[0-9a-z.]{1,16}-to-[0-9a-z.]{1,16}(-[0-9]{1,3})?\.partial\Z')
PARTS = (MANIFEST, 'config', 'record', 'database')
SQLITE_HEADER = b'SQLite format 3\x00'
# The child's temporary copy beside the database (in the service account's directory).
TEMP_PREFIX = '.gofer-snapshot.'
CHUNK = 1024 * 1024
# The highest descriptor the child closes up to (it keeps only its three pipes).
MAX_FD = max(min(os.sysconf('SC_OPEN_MAX'), 1 << 20), 256) if hasattr(os, 'sysconf') else 1024


class SnapshotError(Exception):
    """What went wrong, in words for the task's message."""


# -- the root-only directory ----------------------------------------------------
def check_root_path(path):
    """Raise SnapshotError unless path and each existing ancestor are root's and writable by no one else."""
    current = path
    while True:
        try:
            st = os.lstat(current)
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise SnapshotError('%s cannot be read (%s).' % (current, e.strerror))
        else:
            if stat.S_ISLNK(st.st_mode):
                raise SnapshotError('%s is a symbolic link; snapshots are kept only on a path of real directories.'
                                    % current)
            if not stat.S_ISDIR(st.st_mode):
                raise SnapshotError('%s is not a directory.' % current)
            # A sticky directory of root's (/tmp) may be above: what others create in it is theirs, and refused here.
            sticky = current != path and st.st_mode & stat.S_ISVTX
            if st.st_uid != 0 or (st.st_mode & 0o022 and not sticky):
                raise SnapshotError('%s is owned by uid %d with mode %04o; every directory up to a snapshot must be '
                                    'root\'s and writable by no one else, since the snapshot holds the encryption key.'
                                    % (current, st.st_uid, stat.S_IMODE(st.st_mode)))
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


def ensure_directory(path):
    """Create path (0700) and its missing parents (0755), all root's."""
    check_root_path(path)
    missing = []
    current = path
    while not os.path.isdir(current):
        missing.append(current)
        current = os.path.dirname(current)
    for directory in reversed(missing):
        os.mkdir(directory, 0o700 if directory == path else 0o755)
        os.chown(directory, 0, 0)
        os.chmod(directory, 0o700 if directory == path else 0o755)
    # One that existed keeps its mode (it may be shared): each snapshot in it is 0700 itself. Checked again: a name
    # planted in a sticky directory above between the check and the mkdir fails the mkdir or shows here.
    check_root_path(path)


# -- sqlite, as the service account ---------------------------------------------
def _uri(path, mode):
    return 'file:%s?mode=%s' % (quote(path), mode)


def _sweep(directory):
    """Remove the child's own temporary copies that a killed run left (it runs as their owner)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith(TEMP_PREFIX):
            full = os.path.join(directory, name)
            try:
                st = os.lstat(full)
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                    os.unlink(full)
            except OSError:
                pass


def _temporary(directory):
    _sweep(directory)
    fd, path = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=directory)
    os.close(fd)
    return path


def _remove_temporary(path):
    for suffix in _aside.SIDE_FILES:
        try:
            os.unlink(path + suffix)
        except OSError:
            pass


def _copy_out(database):
    def work(inp, out):
        temporary = _temporary(os.path.dirname(database))
        try:
            # Read and write, never create: a WAL database is read through its -shm, which may need creating.
            source = sqlite3.connect(_uri(database, 'rw'), uri=True, timeout=30)
            try:
                copy = sqlite3.connect(temporary)
                try:
                    source.backup(copy)
                    # A self-contained file: no -wal beside it to carry.
                    copy.execute('PRAGMA journal_mode=DELETE')
                finally:
                    copy.close()
            finally:
                source.close()
            with open(temporary, 'rb') as f:
                shutil.copyfileobj(f, out, CHUNK)
        finally:
            _remove_temporary(temporary)
    return work


def _copy_in(database, create):
    def work(inp, out):
        temporary = _temporary(os.path.dirname(database))
        try:
            with open(temporary, 'wb') as f:
                shutil.copyfileobj(inp, f, CHUNK)
            source = sqlite3.connect(_uri(temporary, 'ro'), uri=True, timeout=30)
            try:
                target = sqlite3.connect(_uri(database, 'rwc' if create else 'rw'), uri=True, timeout=30)
                try:
                    # In place: the file keeps its inode, so the root token held for it stays bound to it.
                    source.backup(target)
                finally:
                    target.close()
            finally:
                source.close()
        finally:
            _remove_temporary(temporary)
    return work


def copy_timeout(size):
    """Seconds a copy of size bytes may take before the child is taken for stalled (stopped, or hung): ten minutes,
    and a minute more for each 300 MB."""
    return 600 + 60 * (size // (300 * 1024 * 1024))


def _child(user, work, in_r, out_w, st_w):  # pragma: no cover - runs in the forked child
    code = 1
    try:
        # Nothing of root's reaches the service account's process: no lock, no file, no terminal.
        keep = sorted((in_r, out_w, st_w))
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        previous = 3
        for fd in keep:
            os.closerange(previous, fd)
            previous = fd + 1
        os.closerange(previous, MAX_FD)
        if os.geteuid() != user.pw_uid:
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
        with os.fdopen(in_r, 'rb') as inp, os.fdopen(out_w, 'wb') as out:
            work(inp, out)
        code = 0
    except BaseException as e:  # everything reaches the parent as a message
        try:
            os.write(st_w, (str(e) or type(e).__name__).encode('utf-8', 'replace')[:4000])
        except OSError:
            pass
    finally:
        os._exit(code)


def run_as(user, work, feed=None, sink=None, timeout=600):
    """Run work(inp, out) in a child process as user (a pwd entry): feed is copied to its input, its output to sink.

    The child may be stopped or slowed by that user, so it gets timeout seconds, then is killed. Raises
    SnapshotError with the child's message when it fails."""
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    st_r, st_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        for fd in (in_w, out_r, st_r):
            os.close(fd)
        _child(user, work, in_r, out_w, st_w)
    for fd in (in_r, out_w, st_w):
        os.close(fd)
    deadline = time.time() + timeout
    pending, message, done = b'', b'', False
    readers = {out_r: 'out', st_r: 'status'}
    writer = in_w
    if feed is None:
        os.close(in_w)
        writer = None
    try:
        while readers:
            left = deadline - time.time()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise SnapshotError('the copy as %s did not finish within %d s (stopped or stalled), so it was killed'
                                    % (user.pw_name, timeout))
            readable, writable, _x = select.select(list(readers), [writer] if writer is not None else [], [],
                                                   min(left, 5))
            if writer is not None and writable:
                if not pending:
                    pending = feed.read(CHUNK)
                if not pending:
                    os.close(writer)
                    writer = None
                else:
                    try:
                        pending = pending[os.write(writer, pending[:65536]):]
                    except BrokenPipeError:
                        os.close(writer)  # the child failed early; its message says why
                        writer = None
            for fd in readable:
                chunk = os.read(fd, CHUNK)
                if not chunk:
                    del readers[fd]
                    os.close(fd)
                elif readers[fd] == 'out':
                    if sink is not None:
                        sink.write(chunk)
                else:
                    message += chunk[:4000]
        done = True
    finally:
        for fd in list(readers) + ([writer] if writer is not None else []):
            os.close(fd)
        if not done:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _pid, code = os.waitpid(pid, 0)
    if code != 0:
        raise SnapshotError(message.decode('utf-8', 'replace') or 'the copy as %s failed (status %d)'
                            % (user.pw_name, code))


# -- taking one -------------------------------------------------------------------
def _read_small(path):
    """The bytes of a root-owned regular file (not followed if a link), with its mode and owner; None if missing."""
    try:
        fd = _placed.open_nofollow(path)
    except OSError as e:
        if e.errno == errno.ENOENT:
            return None
        raise SnapshotError('%s cannot be read (%s).' % (path, e.strerror))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SMALL:
            raise SnapshotError('%s is not a regular file of at most 1 MiB.' % path)
        data = b''
        while True:
            chunk = os.read(fd, MAX_SMALL + 1 - len(data))
            if not chunk:
                break
            data += chunk
            if len(data) > MAX_SMALL:
                raise SnapshotError('%s is larger than 1 MiB.' % path)
    finally:
        os.close(fd)
    return {'path': path, 'data': data, 'mode': '%04o' % stat.S_IMODE(st.st_mode), 'uid': st.st_uid,
            'gid': st.st_gid}


def _write_new(path, data=None, source=None):
    """A new root-only file (never over an existing name), fsynced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0), 0o600)
    with os.fdopen(fd, 'wb') as f:
        if data is not None:
            f.write(data)
        if source is not None:
            source(f)
        f.flush()
        os.fsync(f.fileno())


def _name_taken(directory, name):
    return any(os.path.lexists(os.path.join(directory, entry)) for entry in (name, '.%s.partial' % name))


def take(directory, keep, config_path, record_path, database, user, from_version, to_version, moved_to=None):
    """Take a snapshot into a new directory under directory and keep the newest keep of them.

    Returns {'path', 'from_version', 'to_version', 'database', 'removed'}; raises SnapshotError, leaving no
    snapshot behind."""
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    name = '%s-%s-to-%s' % (stamp, from_version, to_version)
    try:
        ensure_directory(directory)
        count = 1
        while _name_taken(directory, name):
            count += 1
            name = '%s-%s-to-%s-%d' % (stamp, from_version, to_version, count)
        work = os.path.join(directory, '.%s.partial' % name)
        os.mkdir(work, 0o700)
    except OSError as e:
        raise SnapshotError('%s could not be made (%s).' % (directory, e.strerror))
    try:
        manifest = {'format': FORMAT, 'created': stamp, 'from_version': from_version, 'to_version': to_version,
                    'config': None, 'record': None, 'database': None}
        for part, path in (('config', config_path), ('record', record_path)):
            found = _read_small(path)
            if found is not None:
                _write_new(os.path.join(work, part), found.pop('data'))
                manifest[part] = found
        # A run killed after its reset moved the database aside: the data is under that name now.
        source = database if database and os.path.lexists(database) else (
            moved_to if database and moved_to and os.path.lexists(moved_to) else None)
        if source:
            st = os.lstat(source)
            try:
                _write_new(os.path.join(work, 'database'),
                           source=lambda f: run_as(user, _copy_out(source), sink=f,
                                                   timeout=copy_timeout(st.st_size)))
            except SnapshotError as e:
                raise SnapshotError('%s could not be copied as %s: %s' % (source, user.pw_name, e))
            with open(os.path.join(work, 'database'), 'rb') as f:
                if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    raise SnapshotError('the copy of %s is not an sqlite database.' % source)
            manifest['database'] = {'path': database, 'dev': st.st_dev, 'ino': st.st_ino, 'moved_to': moved_to}
        _write_new(os.path.join(work, MANIFEST), (json.dumps(manifest, sort_keys=True, indent=1) + '\n').encode())
        final = os.path.join(directory, name)
        os.rename(work, final)
        _placed.fsync_directory(directory)
        _sweep_partial(directory, keep=work)
    except SnapshotError:
        _remove_snapshot(work)
        raise
    except (OSError, sqlite3.Error) as e:
        _remove_snapshot(work)
        raise SnapshotError(str(e))
    try:
        removed = prune(directory, keep, final)
    except OSError:
        removed = []  # the snapshot is taken; an old one that could not be removed is left for the next run
    return {'path': final, 'from_version': from_version, 'to_version': to_version,
            'database': manifest['database']['path'] if manifest['database'] else None, 'removed': removed}


def _sweep_partial(directory, keep=None):
    """Remove what a killed run left of a snapshot (older than an hour: another run may be writing a newer one)."""
    for entry in os.listdir(directory):
        full = os.path.join(directory, entry)
        try:
            old = time.time() - os.lstat(full).st_mtime > 3600
        except OSError:
            continue
        if PARTIAL.match(entry) and full != keep and old:
            _remove_snapshot(full)


def _remove_snapshot(path):
    """Remove a snapshot directory of this module's: only its known files, then the directory (never recursive)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != 0:
        return False
    for part in PARTS:
        try:
            os.unlink(os.path.join(path, part))
        except OSError:
            pass
    try:
        os.rmdir(path)
    except OSError:
        return False  # something else is in it: left alone
    return True


def snapshots(directory):
    """The snapshot directories under directory, oldest first (by their names, which start with the UTC time)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    found = []
    for name in sorted(names):
        full = os.path.join(directory, name)
        if NAME.match(name) and os.path.isdir(full) and not os.path.islink(full):
            found.append(full)
    return found


def prune(directory, keep, newest=None):
    """Remove all but the newest keep snapshots; returns the removed paths."""
    removed = []
    existing = [path for path in snapshots(directory) if path != newest]
    surplus = len(existing) + (1 if newest else 0) - keep
    for path in existing[:max(surplus, 0)]:
        if _remove_snapshot(path):
            removed.append(path)
    return removed


# -- putting one back ------------------------------------------------------------
def read(path):
    """The manifest of the snapshot at path, checked; raises SnapshotError."""
    try:
        st = os.lstat(path)
    except OSError as e:
        raise SnapshotError('the snapshot %s cannot be read (%s).' % (path, e.strerror))
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != 0 or st.st_mode & 0o077:
        raise SnapshotError('the snapshot %s is not a directory of root\'s with mode 0700.' % path)
    check_root_path(os.path.dirname(path))
    found = _read_small(os.path.join(path, MANIFEST))
    if found is None or found['uid'] != 0 or len(found['data']) > MAX_MANIFEST:
        raise SnapshotError('the snapshot %s has no manifest of root\'s.' % path)
    try:
        manifest = json.loads(found['data'].decode('utf-8'))
    except ValueError:
        raise SnapshotError('the manifest of the snapshot %s is not JSON.' % path)
    if not isinstance(manifest, dict) or manifest.get('format') != FORMAT:
        raise SnapshotError('the manifest of the snapshot %s is not of format %d.' % (path, FORMAT))
    for part in ('config', 'record', 'database'):
        item = manifest.get(part)
        if item is not None and not (isinstance(item, dict) and isinstance(item.get('path'), str)
                                     and os.path.isabs(item['path'])):
            raise SnapshotError('the manifest of the snapshot %s names no absolute path for its %s.' % (path, part))
    return manifest


def _put_back(path, data, mode, uid, gid):
    """Replace path atomically with data (a temporary file beside it, renamed over it)."""
    directory = os.path.dirname(path)
    fd, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fchown(f.fileno(), uid, gid)
            os.fchmod(f.fileno(), int(mode, 8))
            os.fsync(f.fileno())
        os.rename(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    _placed.fsync_directory(directory)


def restore(path, user, check=False):
    """Put back the database, then the config and the record, of the snapshot at path: a restore that fails half way
    leaves the new release's config, which the next run replaces, never the old config on the new data.

    Returns {'changed': bool, 'restored': [what], 'moved': [{'from', 'to'}]}; raises SnapshotError."""
    manifest = read(path)
    restored, moved = [], []
    files = []
    for part in ('config', 'record'):
        item = manifest[part]
        if item is None:
            continue
        data = _read_small(os.path.join(path, part))
        if data is None:
            raise SnapshotError('the snapshot %s has no %s file.' % (path, part))
        if not (isinstance(item.get('mode'), str) and re.match(r'^0[0-7]{3}\Z', item['mode'])
                and isinstance(item.get('uid'), int) and isinstance(item.get('gid'), int)):
            raise SnapshotError('the manifest of the snapshot %s gives no mode and owner for its %s.' % (path, part))
        files.append((item, data['data']))
    database = manifest['database']
    if database is not None:
        db = database['path']
        moved_to = database.get('moved_to')
        stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
        failed = '%s.failed-%s.%s' % (db, manifest.get('to_version'), stamp)
        if moved_to and os.path.lexists(moved_to):
            # A reset moved the database aside: move the new one aside and the old one back, as it was.
            if not check:
                first = []
                try:
                    if _aside.present(db):
                        first = _aside.move(db, failed)
                    moved.extend(first + _aside.move(moved_to, db))
                except _aside.MoveError as e:
                    undo = ''
                    if first:
                        try:
                            _aside.move(failed, db)
                            undo = ' The new release\'s database is back at %s.' % db
                        except _aside.MoveError as again:
                            undo = ' The new release\'s database stays at %s: %s' % (failed, again)
                    raise SnapshotError('the database could not be moved back: %s%s Nothing else was put back.'
                                        % (e, undo))
        elif not check:
            snapshot_db = os.path.join(path, 'database')
            if not os.path.isfile(snapshot_db):
                raise SnapshotError('the snapshot %s has no database file. Nothing was put back.' % path)
            with open(snapshot_db, 'rb') as f:
                try:
                    run_as(user, _copy_in(db, create=not os.path.lexists(db)), feed=f,
                           timeout=copy_timeout(os.fstat(f.fileno()).st_size))
                except SnapshotError as e:
                    raise SnapshotError('%s could not be written as %s: %s. Nothing else was put back.'
                                        % (db, user.pw_name, e))
        restored.append(db)
    for item, data in files:
        current = _read_small(item['path']) if os.path.lexists(item['path']) else None
        if current is not None and current['data'] == data and current['mode'] == item['mode'] \
                and (current['uid'], current['gid']) == (item['uid'], item['gid']):
            continue
        if not check:
            try:
                _put_back(item['path'], data, item['mode'], item['uid'], item['gid'])
            except OSError as e:
                raise SnapshotError('%s could not be put back (%s). Already put back: %s.'
                                    % (item['path'], e.strerror, ', '.join(restored) or 'nothing'))
        restored.append(item['path'])
    return {'changed': bool(restored), 'restored': restored, 'moved': moved, 'manifest': manifest}
