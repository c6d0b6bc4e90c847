# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters for rendering Gofer configs: toml_value and seconds (documented in toml_value.yml, seconds.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.gofer.gofer.plugins.module_utils._duration import parse_duration
from ansible_collections.gofer.gofer.plugins.module_utils._toml import toml_value as _toml_value


def toml_value(value):
    try:
        return _toml_value(value)
    except (TypeError, ValueError) as e:
        raise AnsibleFilterError('gofer.gofer.toml_value: %s' % e)


def seconds(value):
    try:
        return parse_duration(value)
    except ValueError as e:
        raise AnsibleFilterError('gofer.gofer.seconds: %s' % e)


class FilterModule(object):
    def filters(self):
        return {'toml_value': toml_value, 'seconds': seconds}
