# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The target side of gofer.gofer.server_config_info: it reads, never follows a link, and changes nothing."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.gofer.gofer.tests.unit.plugins.modules.compat import patch_module_args

from ansible_collections.gofer.gofer.plugins.modules import server_config_info


def run(capsys, **args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            server_config_info.main()
    return json.loads(capsys.readouterr().out)


def test_reads_the_config_and_its_file_attributes(tmp_path, capsys):
    dest = tmp_path / 'gofer_web.toml'
    dest.write_text('[api]\nlog_level = "warn"\n')
    os.chmod(dest, 0o640)
    result = run(capsys, dest=str(dest))
    assert result['exists'] is True and result['changed'] is False
    assert result['_gofer_config_text'] == '[api]\nlog_level = "warn"\n'
    assert result['file']['mode'] == '0640' and result['file']['is_link'] is False
    assert result['recorded_version'] is None


def test_a_link_is_described_not_followed(tmp_path, capsys):
    target = tmp_path / 'elsewhere.toml'
    target.write_text('secret = "x"\n')
    dest = tmp_path / 'gofer_web.toml'
    dest.symlink_to(target)
    result = run(capsys, dest=str(dest))
    assert result['exists'] is False and result['file']['is_link'] is True
    assert '_gofer_config_text' not in result


def test_paths_are_described_with_type_owner_and_mode(tmp_path, capsys):
    (tmp_path / 'data').mkdir(mode=0o750)
    os.chmod(tmp_path / 'data', 0o750)
    result = run(capsys, dest=str(tmp_path / 'none.toml'), _paths=[str(tmp_path / 'data'), str(tmp_path / 'gone')])
    data, gone = result['paths']
    assert data['type'] == 'directory' and data['mode'] == '0750' and data['exists'] is True
    assert gone == {'path': str(tmp_path / 'gone'), 'exists': False}
    assert sorted(os.listdir(tmp_path)) == ['data'], 'nothing was created'


def test_a_named_pipe_is_said_to_be_one_and_never_opened_for_a_blocking_read(tmp_path, capsys):
    dest = tmp_path / 'gofer_web.toml'
    os.mkfifo(dest)  # no writer: a blocking open or read would hang here
    result = run(capsys, dest=str(dest))
    assert result['exists'] is False and result['file']['type'] == 'other'
    assert result['_gofer_config_problem'].startswith('is a named pipe (FIFO), not a regular file; Gofer reads no '
                                                      'config from it and runs on its built-in defaults')
    assert '_gofer_config_text' not in result


def test_a_file_over_1_mib_is_refused_not_cut(tmp_path, capsys):
    dest = tmp_path / 'gofer_web.toml'
    dest.write_text('# padding\n' * 104858 + '[development]\nbypass_auth = false\n')
    size = os.path.getsize(dest)
    result = run(capsys, dest=str(dest))
    assert result['exists'] is True and '_gofer_config_text' not in result
    assert result['_gofer_config_problem'] == (
        'is %d bytes, more than the 1048576 bytes (1 MiB) read of a config; a Gofer config is a few kilobytes, so '
        'it was not read' % size)


def test_a_file_that_is_not_utf8_says_where(tmp_path, capsys):
    dest = tmp_path / 'gofer_web.toml'
    dest.write_bytes(b'[api]\nlog_level = "caf\xe9"\n')
    result = run(capsys, dest=str(dest))
    assert result['exists'] is True and '_gofer_config_text' not in result
    assert result['_gofer_config_problem'] == ('is not UTF-8 text (byte 22); TOML files must be UTF-8, and Gofer '
                                               'fails to start on it')
