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
