# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller side of gofer.gofer.server_config_info: the target reads, the controller parses, validates and masks."""

from __future__ import annotations

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.gofer.gofer.plugins.module_utils import _argspec
from ansible_collections.gofer.gofer.plugins.module_utils import _schema
from ansible_collections.gofer.gofer.plugins.plugin_utils import _paths
from ansible_collections.gofer.gofer.plugins.plugin_utils import _tls
from ansible_collections.gofer.gofer.plugins.plugin_utils import _validate
from ansible_collections.gofer.gofer.plugins.plugin_utils import _view

MODULE = 'gofer.gofer.server_config_info'


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = True

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = False
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=_argspec.info_options())
        try:
            _schema.schema_for(args['gofer_version'])
        except ValueError as e:
            raise AnsibleActionFail('gofer_version: %s.' % e)
        module_args = {'dest': args['dest'], 'gofer_version': args['gofer_version']}
        read = self._execute_module(module_name=MODULE, module_args=module_args, task_vars=task_vars)
        if read.get('failed'):
            read.pop('_gofer_config_text', None)
            result.update(read)
            return result
        text = read.pop('_gofer_config_text', None)
        problem = read.pop('_gofer_config_problem', None)
        result.update(read, changed=False, config=None, valid=False, findings=[])
        if text is None:
            what = problem or ('is a symbolic link (not followed)' if (read.get('file') or {}).get('is_link')
                               else 'does not exist')
            result['findings'] = [{'level': 'error', 'key': 'dest', 'message': 'dest: %s %s.' % (args['dest'], what)}]
            return result
        try:
            config = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError, RecursionError) as e:
            message = 'is not valid TOML: %s' % e if isinstance(e, tomllib.TOMLDecodeError) else 'cannot be read'
            result['findings'] = [{'level': 'error', 'key': 'dest', 'message': 'dest: %s %s.' % (args['dest'], message)}]
            return result
        if _view.too_deep(config):
            result['findings'] = [{'level': 'error', 'key': 'dest',
                                   'message': 'dest: %s nests tables too deep for a Gofer config.' % args['dest']}]
            return result
        secrets = [v for v in args['secret_values'] if v] + _view.secret_strings(config)
        findings = _validate.validate(config, version=args['gofer_version'], allow_insecure=args['allow_insecure'])
        result['findings'] = [dict(f.as_dict(), message=_view.mask_text(f.message, secrets)) for f in findings]
        result['valid'] = not _validate.errors(findings)
        result['config'] = _view.masked_tree(config, secrets)
        paths = self.named_paths(_validate.effective_config(config, args['gofer_version']))
        if paths:
            described = self._execute_module(module_name=MODULE, task_vars=task_vars,
                                             module_args=dict(module_args, _paths=sorted(paths)))
            result['paths'] = [dict(item, keys=paths[item['path']]) for item in described.get('paths', [])]
        return result

    @staticmethod
    def named_paths(effective):
        """{path: [config keys]}: the data directories, the sqlite files and the TLS files Gofer reads."""
        paths = {}
        for directory, keys in _paths.data_dirs(effective).items():
            paths.setdefault(directory, []).extend(keys)
        for item in _paths.sqlite_files(effective):
            paths.setdefault(item['path'], []).append(item['key'])
        for section, files in _tls.files_read(effective).items():
            for part, path in files.items():
                if isinstance(path, str) and path.startswith('/'):
                    paths.setdefault(path, []).append('%s.%s' % (section, _tls.PARTS[part]))
        return {path: keys for path, keys in paths.items() if isinstance(path, str) and path.startswith('/')}
