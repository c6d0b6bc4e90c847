# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Human durations ("5m", "4380h", "1h30m") to whole seconds.

PRIVATE to the gofer.gofer collection. Gofer v0.7 reads every duration as an
integer number of seconds; operators (and Gofer's own upstream page) write them
as strings, so both the validator's suggestions and the role's filter use this.
"""

from __future__ import annotations

import re

UNITS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
_PART = re.compile(r'(\d+)\s*([smhdw])')
_WHOLE = re.compile(r'^\s*(?:\d+\s*[smhdw]\s*)+$')


def parse_duration(value):
    """Return whole seconds for an int, a digit string or a duration string.

    Raises ValueError for anything else (floats, negatives, unknown units).
    """
    if isinstance(value, bool):
        raise ValueError('a boolean is not a duration')
    if isinstance(value, int):
        if value < 0:
            raise ValueError('a duration cannot be negative')
        return value
    if not isinstance(value, str):
        raise ValueError('a duration is whole seconds or a string such as "5m"')
    text = value.strip().lower()
    if text.isdigit():
        return int(text)
    if not _WHOLE.match(text):
        raise ValueError('%r is not a duration; use whole seconds or a string such as "90s", "5m", "4380h", "1w"'
                         % value)
    return sum(int(n) * UNITS[unit] for n, unit in _PART.findall(text))


def format_duration(seconds):
    """The shortest exact duration string for whole seconds ("1w", "4380h", "90s"); 0 stays 0."""
    for unit in ('w', 'd', 'h', 'm'):
        if seconds and seconds % UNITS[unit] == 0:
            return '%d%s' % (seconds // UNITS[unit], unit)
    return '%ds' % seconds if seconds else 0
