# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the docs and ansible-doc say, held against what the code does, where a claim can be checked."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible.module_utils.basic import FILE_COMMON_ARGUMENTS

from ansible_collections.gofer.gofer.plugins.doc_fragments.config import ModuleDocFragment
from ansible_collections.gofer.gofer.plugins.filter.gofer import FilterModule
from ansible_collections.gofer.gofer.plugins.module_utils import _argspec
from ansible_collections.gofer.gofer.plugins.modules import server_config, server_config_info

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
PUBLIC_FILTERS = {'toml_value', 'seconds'}


def text(*parts):
    with open(os.path.join(ROOT, *parts), encoding='utf-8') as f:
        return f.read()


def documented_options(module):
    """The options ansible-doc shows for a module: its own and those of the collection's doc fragment."""
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = dict(doc['options'])
    if 'gofer.gofer.config' in doc.get('extends_documentation_fragment', []):
        shared = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
        assert not set(shared) & set(options), 'an option is documented twice'
        options.update(shared)
    return options


def filter_doc(name):
    return yaml.safe_load(text('plugins', 'filter', name + '.yml'))['DOCUMENTATION']


def test_every_filter_is_documented_and_only_the_public_ones_read_as_public():
    names = set(FilterModule().filters())
    assert PUBLIC_FILTERS < names
    for name in sorted(names):
        doc = filter_doc(name)
        assert doc['name'] == name
        internal = doc['short_description'].startswith('Internal to the role gofer.gofer.server: ')
        assert internal == (name not in PUBLIC_FILTERS), name
        if internal:
            assert doc['description'][0].startswith('Not a public interface.'), name


def test_the_readme_names_exactly_the_public_filters():
    row = [line for line in text('README.md').splitlines() if line.startswith('| filters ')]
    assert len(row) == 1
    assert set(re.findall(r'`gofer\.gofer\.([a-z_]+)`', row[0])) == PUBLIC_FILTERS


@pytest.mark.parametrize('module, options', [
    (server_config, set(_argspec.module_options())),
    (server_config_info, set(_argspec.info_options()) | {'_paths'}),
])
def test_ansible_doc_marks_each_option_the_action_plugin_fills_in_as_internal(module, options):
    """ansible-core hides copy's _original_basename with a validate-modules ignore, which ansible-lint's production
    profile refuses: the internal options stay documented, each marked, and the action plugins refuse them."""
    documented = documented_options(module)
    internal = {name for name in options if name.startswith('_')}
    assert internal, 'the module has internal options, or this test has nothing to hold'
    for name, doc in documented.items():
        marked = doc['description'][0].startswith('B(Internal, not an option to set.) The action plugin fills it in')
        assert marked == (name in internal), name
    assert not internal & set(_argspec.user_options())
    # Every option a user may set is documented (the file common arguments come from their fragment).
    assert options - set(documented) <= set(FILE_COMMON_ARGUMENTS)


def test_the_cores_the_readme_and_runtime_claim_are_the_cores_make_test_runs():
    runtime = yaml.safe_load(text('meta', 'runtime.yml'))['requires_ansible']
    assert runtime == '>=2.17.0,<2.22'
    made = re.search(r'^CORES := (.*)$', text('Makefile'), re.M).group(1)
    cores = sorted(re.findall(r'\b(2\.\d+):', made) + ['2.19'])
    assert cores == ['2.17', '2.18', '2.19', '2.20', '2.21']
    readme = text('README.md')
    assert '`requires_ansible: "%s"`' % runtime in readme
    rows = [line.split('|')[1] for line in readme.splitlines() if line.startswith('| ansible-core ')]
    assert sorted(c for row in rows for c in re.findall(r'\b2\.\d+\b', row)) == cores


def test_the_platforms_meta_lists_are_the_ones_the_service_scenario_converges():
    meta = yaml.safe_load(text('roles', 'server', 'meta', 'main.yml'))['galaxy_info']['platforms']
    assert meta == [{'name': 'Debian', 'versions': ['bookworm', 'trixie']}]
    scenario = yaml.safe_load(text('extensions', 'molecule', 'service', 'molecule.yml'))
    images = sorted(p['image'] for p in scenario['platforms'])
    assert [re.search(r'(bookworm|trixie)', i).group(1) for i in images] == ['bookworm', 'trixie']


def test_a_variable_for_a_key_the_release_does_not_read_is_a_warning_as_both_pages_say(monkeypatch):
    said = [
        re.sub(r'\s+', ' ', text('docs', 'role-server.md')),
        re.sub(r'\s+', ' ', text('docs', 'provisioning.md')),
    ]
    assert all(re.search(r'`gofer_object_store_sqlite_path` for 0\.9\)? is a warning', page) for page in said)
    warned = []
    from ansible.utils.display import Display
    monkeypatch.setattr(Display, 'warning', lambda self, msg, *a, **k: warned.append(msg))
    errors = FilterModule().filters()['version_variables'](
        {'gofer_object_store_sqlite_path': '/srv/gofer/objects.db'}, '0.9')
    assert errors == []
    assert len(warned) == 1 and warned[0].startswith('gofer_object_store_sqlite_path sets object_store.sqlite.path')


def test_the_role_reads_top_to_bottom_entry_points_beside_their_steps():
    tasks = os.path.join(ROOT, 'roles', 'server', 'tasks')
    # The entry points (tasks_from) are the top-level files, one per argument spec; every step is in steps/.
    specs = yaml.safe_load(text('roles', 'server', 'meta', 'argument_specs.yml'))['argument_specs']
    assert sorted(n[:-4] for n in os.listdir(tasks) if n.endswith('.yml')) == sorted(specs)
    includes = set()

    def walk(tasks):
        # A named include of a step each, or a named block of them (the host's lock is held around the steps).
        for task in tasks:
            assert task.get('name'), task
            if 'block' in task:
                walk(task['block'] + task.get('always', []))
                continue
            target = task.get('ansible.builtin.include_tasks') or task.get('ansible.builtin.import_tasks')
            assert target, task
            includes.add(target['file'] if isinstance(target, dict) else target)
    for entry in specs:
        walk(yaml.safe_load(text('roles', 'server', 'tasks', entry + '.yml')))
    assert all(path.startswith('steps/') for path in includes), includes
    assert 'steps/lock.yml' in includes and 'steps/unlock.yml' in includes
    assert includes <= set('steps/' + n for n in os.listdir(os.path.join(tasks, 'steps')))


def test_the_role_vars_are_constants():
    values = yaml.safe_load(text('roles', 'server', 'vars', 'main.yml'))
    assert all(name.startswith('__gofer_') for name in values)
    assert not [name for name, value in values.items() if '{{' in str(value) or '{%' in str(value)]
