# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller side of gofer.gofer.server_config: read, parse, validate, then run the module once per host."""

from __future__ import annotations

import posixpath
import re

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.basic import FILE_COMMON_ARGUMENTS
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.gofer.gofer.plugins.module_utils import _argspec
from ansible_collections.gofer.gofer.plugins.module_utils import _schema
from ansible_collections.gofer.gofer.plugins.plugin_utils import _environment
from ansible_collections.gofer.gofer.plugins.plugin_utils import _migrate
from ansible_collections.gofer.gofer.plugins.plugin_utils import _paths
from ansible_collections.gofer.gofer.plugins.plugin_utils import _tls
from ansible_collections.gofer.gofer.plugins.plugin_utils import _validate
from ansible_collections.gofer.gofer.plugins.plugin_utils import _view

_MASK = _view.MASK


def others_can_read(mode):
    """Whether a file mode, octal or symbolic as Ansible takes it, gives other users read access."""
    if isinstance(mode, int):
        return bool(mode & 0o004)
    text = str(mode)
    if re.match(r'^0?[0-7]{1,4}$', text):
        return bool(int(text, 8) & 0o004)
    for clause in text.split(','):
        match = re.match(r'^([ugoa]*)([-+=].*)$', clause)
        if not match or (match.group(1) and not set('oa') & set(match.group(1))):
            continue
        if any(op in '+=' and 'r' in perms for op, perms in re.findall(r'([-+=])([rwxXstugo]*)', match.group(2))):
            return True
    return False


class ConfigError(Exception):
    def __init__(self, msg, findings=None):
        super(ConfigError, self).__init__(msg)
        self.findings = findings or []


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = True

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = False
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp

        spec = dict(_argspec.user_options(), **FILE_COMMON_ARGUMENTS)
        # Raises AnsibleActionFail on unknown options or wrong types, before anything else.
        _validation, args = self.validate_argument_spec(
            argument_spec=spec, mutually_exclusive=_argspec.MUTUALLY_EXCLUSIVE,
            required_one_of=_argspec.REQUIRED_ONE_OF)
        try:
            _schema.schema_for(args['gofer_version'])
        except ValueError as e:
            raise AnsibleActionFail('gofer_version: %s.' % e)
        # Values to mask in everything this action returns; the module masks its own output.
        self._secrets = [v for v in args['secret_values'] if v]
        try:
            plan = self.plan(args)
        except ConfigError as e:
            result.update(failed=True, changed=False, msg=self.mask(str(e)),
                          findings=[self.masked(f) for f in e.findings])
            return result

        module_result = self._execute_module(module_name='gofer.gofer.server_config', module_args=plan['args'],
                                             task_vars=task_vars)
        if '_gofer_old_config' in module_result:
            # The key guard needs the key of the config on the host, which only the controller can parse.
            # The text is read here and never returned.
            plan['args']['_old_key'] = self.old_key_verdict(module_result.pop('_gofer_old_config'),
                                                            plan['args']['_key_guard']['key'])
            module_result = self._execute_module(module_name='gofer.gofer.server_config',
                                                 module_args=plan['args'], task_vars=task_vars)
        module_result.pop('_gofer_old_config', None)
        texts = module_result.pop('_gofer_config_texts', None)
        migration = self.migration_findings(module_result, texts, plan)
        if 'diff' in module_result:
            texts = dict(texts or {}, after=plan['args']['content'])
            module_result['diff'] = [self.config_diff(d, texts) if d.get('_gofer_config') else d
                                     for d in module_result['diff']]
        result.update(module_result)
        findings = plan['findings'] + migration
        result['findings'] = [self.masked(f) for f in findings] + module_result.get('findings', [])
        warnings = [self.mask(f.message) for f in findings if f.level == _validate.WARNING]
        if warnings:
            result['warnings'] = warnings + list(result.get('warnings') or [])
        return result

    def migration_findings(self, module_result, texts, plan):
        """What changes for Gofer when the config on the host was written for another release (#12)."""
        previous = module_result.get('previous_version')
        before = (texts or {}).get('before')
        new_version = plan['args']['gofer_version']
        if before is None or not module_result.get('config_changed') or previous == new_version:
            return []
        old = self.parse_quietly(before)
        if old is None:
            return []
        try:
            _schema.release_of(previous)
        except (ValueError, TypeError):
            previous = None  # recorded by a collection that knows releases this one does not: guess from the config
        return _migrate.findings(old, previous, plan['config'], new_version)

    def old_key_verdict(self, text, key):
        """'same' or 'different' when the placed config's key can be read as TOML, else 'unknown'."""
        old = self.parse_quietly(text)
        if old is None:
            return 'unknown'
        value = (old.get('secret_store') or {}).get('sqlite') if isinstance(old.get('secret_store'), dict) else None
        value = value.get('encryption_key') if isinstance(value, dict) else None
        if not isinstance(value, str):
            return 'unknown'
        # The module masks the key given now wherever it appears in its output, so the same key arrives masked.
        return 'same' if value in (key, _MASK) else 'different'

    @staticmethod
    def parse_quietly(text):
        try:
            parsed = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError, ValueError):  # ValueError: integers of > 4300 digits
            return None
        return None if _view.too_deep(parsed) else parsed

    def config_diff(self, entry, texts):
        """The config's diff, rendered from the parsed texts with every value under [secret_store] masked."""
        entry = {k: v for k, v in entry.items() if k != '_gofer_config'}
        texts = texts or {}
        parsed = {side: self.parse_quietly(texts[side]) if texts.get(side) is not None else None
                  for side in ('before', 'after')}
        views = []
        for side, other in (('before', 'after'), ('after', 'before')):
            text = texts.get(side)
            if text is None:
                views.append('')
            elif parsed[side] is None:
                views.append('(%d bytes that are not a TOML config Gofer could read; not shown)\n' % len(text))
            else:
                views.append(self.mask(_view.masked_lines(parsed[side], self._secrets, parsed[other])))
        if views[0] == views[1] and texts.get('before') != texts.get('after'):
            views[1] += '# (only comments or layout changed)\n'
        entry.update(before=views[0], after=views[1])
        return entry

    def mask(self, text):
        return _view.mask_text(text, self._secrets)

    def masked(self, finding):
        return dict(finding.as_dict(), message=self.mask(finding.message))

    # -- controller work, all before the host is touched ----------------------
    def plan(self, args):
        content, origin = self.read_config(args)
        self.check_target_options(args)
        try:
            config = tomllib.loads(content)
        except tomllib.TOMLDecodeError as e:
            raise ConfigError('%s is not valid TOML: %s. Nothing was changed.' % (origin, e))
        except RecursionError:
            config = None
        except ValueError:
            # Python refuses to read integers of more than 4300 digits (int_max_str_digits).
            raise ConfigError('%s holds a number of thousands of digits, which cannot be read; a Gofer integer has at '
                              'most 19 digits. Nothing was changed.' % origin)
        if config is None or _view.too_deep(config):
            raise ConfigError('%s nests tables or arrays more than %d levels deep; a Gofer config has at most 3. '
                              'Nothing was changed.' % (origin, _view.MAX_DEPTH))

        version = args['gofer_version']
        # Messages never quote a secret's value on purpose; masking every string under [secret_store], whatever
        # its shape, guards against a slip.
        self._secrets.extend(_view.secret_strings(config))
        effective = _validate.effective_config(config, version)
        # Gofer reads GOFER_WEB_* variables over the file: what it runs with is the file with them merged over it.
        env = _environment.Overrides(args['service_environment'], self.environment_label())
        self._secrets.extend(env.secrets)
        findings = env.findings + env.attribute(_validate.validate(env.over(config), version=version,
                                                                   allow_insecure=args['allow_insecure']))
        errors = _validate.errors(findings)
        if errors:
            if env.sources:
                origin = '%s, with %s over it' % (origin, env.label)
            raise ConfigError(_validate.invalid_message(origin, errors), findings=errors)

        tls_files, tls_expected, tls_findings = self.tls_plan(args.get('tls_src') or {}, effective)
        findings.extend(tls_findings)

        dirs = _paths.data_dirs(effective)
        self._secrets.extend(f['content'] for f in tls_files if f['kind'] == 'key')
        sqlite_files = _paths.sqlite_files(effective)
        module_args = {
            'content': content,
            'dest': args['dest'],
            'service_user': args['service_user'],
            'service_group': args['service_group'],
            'backup': args['backup'],
            '_data_dirs': [{'path': p, 'key': ', '.join(k)} for p, k in sorted(dirs.items())],
            '_tls_files': tls_files,
            '_tls_expected': tls_expected,
            '_sqlite_files': sqlite_files,
            'account_created_earlier': args['account_created_earlier'],
            '_secrets': list(self._secrets),
            '_key_guard': {'db': _validate.normpath(effective['secret_store.sqlite.path']),
                           'key': effective['secret_store.sqlite.encryption_key']},
            'accept_secret_store_data_loss': args['accept_secret_store_data_loss'],
            'gofer_version': version,
            '_database': _validate.normpath(effective['server.storage_path']),
            'accept_database_reset': args['accept_database_reset'],
            'snapshot_dir': args['snapshot_dir'],
            'snapshot_keep': args['snapshot_keep'],
        }
        for name in FILE_COMMON_ARGUMENTS:
            if args.get(name) is not None:
                module_args[name] = args[name]
        return {'args': module_args, 'findings': findings, 'config': config}

    def environment_label(self):
        """How messages name service_environment: by the role's variable when the task is the role's own."""
        role = getattr(self._task, '_role', None)
        name = role.get_name() if role is not None and hasattr(role, 'get_name') else None
        return 'gofer_service_environment' if name == 'gofer.gofer.server' else 'service_environment'

    @staticmethod
    def check_target_options(args):
        dest = args['dest']
        if not posixpath.isabs(dest) or '\x00' in dest:
            raise ConfigError('dest: "%s" is not an absolute path on the target; a relative one would land wherever '
                              'the module happens to run. Give an absolute path such as /etc/gofer/gofer_web.toml. '
                              'Nothing was changed.' % _validate.clip(dest))
        snapshot_dir = args.get('snapshot_dir')
        if snapshot_dir is not None and (not posixpath.isabs(snapshot_dir) or '\x00' in snapshot_dir
                                         or posixpath.normpath(snapshot_dir) == '/'):
            raise ConfigError('snapshot_dir: "%s" is not an absolute path of a directory on the target, such as '
                              '/var/backups/gofer. Nothing was changed.' % _validate.clip(snapshot_dir))
        if not 0 <= args['snapshot_keep'] <= 100:
            raise ConfigError('snapshot_keep: %d is not between 0 (no snapshots) and 100. Nothing was changed.'
                              % args['snapshot_keep'])
        mode = args.get('mode')
        if mode is not None and not args['allow_insecure'] and others_can_read(mode):
            raise ConfigError('mode: %s lets every user on the host read the config, which holds the secret store\'s '
                              'encryption key. Use 0640 (the default) or 0600, or set allow_insecure. Nothing was '
                              'changed.' % _validate.clip(str(mode)))

    def read_config(self, args):
        content, src = args.get('content'), args.get('src')
        if content is not None:
            return content, 'content'
        data, path = self.read_source(src, 'src')
        try:
            return data.decode('utf-8'), path
        except UnicodeDecodeError as e:
            raise ConfigError('%s is not UTF-8 text (byte %d); TOML files must be UTF-8.' % (path, e.start))

    def read_source(self, name, option):
        try:
            path = self._find_needle('files', name)
        except AnsibleError:
            raise ConfigError('%s: %s was not found on the controller (searched the files/ directories of the '
                              'role and playbook, then the path itself).' % (option, name))
        try:
            path = self._loader.get_real_file(path, decrypt=True)
            with open(path, 'rb') as f:
                return f.read(), path
        except (OSError, AnsibleError) as e:
            raise ConfigError('%s: could not read %s: %s' % (option, name, to_text(e)))

    def tls_plan(self, tls_src, effective):
        """Files to place and paths that must already exist, for the TLS files Gofer reads."""
        read = _tls.files_read(effective)
        files, expected, findings = [], [], []
        for section, parts in sorted(tls_src.items()):
            if parts and any(parts.values()) and section not in read:
                raise ConfigError('tls_src.%s: %s, so this config never reads the files. Remove tls_src.%s or '
                                  'change the config.' % (section, _tls.READ_WHEN[section][1], section))
        for section, paths in sorted(read.items()):
            sources = tls_src.get(section) or {}
            loaded = {}
            for part, key in sorted(_tls.PARTS.items()):
                config_key = '%s.%s' % (section, key)
                if sources.get(part):
                    data, _path = self.read_source(sources[part], 'tls_src.%s.%s' % (section, part))
                    loaded[part] = data
                    # latin-1 maps every byte to one character: the module writes back exactly these bytes.
                    files.append({'path': paths[part], 'key': config_key, 'kind': part,
                                  'content': data.decode('latin-1')})
                else:
                    expected.append({'path': paths[part], 'key': config_key})
            if len(loaded) == 2:
                try:
                    findings.extend(_validate.Finding(_validate.WARNING, 'tls_src.%s.cert' % section, text)
                                    for text in _tls.check_pair(
                                        loaded['cert'], loaded['key'],
                                        'tls_src.%s.cert (%s)' % (section, sources['cert']),
                                        'tls_src.%s.key (%s)' % (section, sources['key'])))
                except _tls.PairError as e:
                    raise ConfigError(str(e) + ' Nothing was changed.')
            elif len(loaded) == 1:
                raise ConfigError('tls_src.%s: give both cert and key, so that the pair can be checked.' % section)
        return files, expected, findings
