# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: converge N Gofer hosts with gofer.gofer.server and with a conventional role.

Prints a table of figures; not a pass/fail test. For each N, for each role, on fresh containers
(Debian bookworm, reached with the community.docker.docker connection):
  - wall time of the first converge and of a no-change re-run,
  - module executions per host (the count_modules callback),
  - controller peak memory (the largest RSS of ansible-playbook and its workers),
and the ours/baseline ratio from the same run. Also the controller-side time to parse and
validate a full config (median of 1000).

Then the module executions per host of a no-change re-run with install and service on: one Debian bookworm
container with systemd, the tests' stand-in for the Gofer binary (tests/standin, not Gofer).

    python benchmarks/run.py [--hosts 1 5 20] [--markdown docs/performance.md]
    python benchmarks/run.py --service-only --markdown docs/performance.md   (only that figure, in place)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
IMAGE = 'gofer-test/debian:bookworm'
PREFIX = 'gofer-bench-'
KEY = '0123456789abcdef0123456789abcdef'


def sh(*argv, **kwargs):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)


def start_hosts(count):
    stop_hosts()
    names = ['%s%02d' % (PREFIX, i) for i in range(count)]
    for name in names:
        sh('docker', 'run', '-d', '--name', name, '--network', 'none', IMAGE, 'sleep', 'infinity')
        # The service account exists already, as on a host prepared by the operator.
        sh('docker', 'exec', name, 'sh', '-c', 'groupadd -r gofer && useradd -r -g gofer -M -s /usr/sbin/nologin gofer')
    return names


def stop_hosts():
    out = sh('docker', 'ps', '-aq', '--filter', 'name=' + PREFIX).stdout.split()
    if out:
        sh('docker', 'rm', '-f', *out)


def write_inventory(work, names, tls_dir, collection_root):
    lines = ['[gofer]'] + names + ['', '[gofer:vars]',
                                   'ansible_connection=community.docker.docker',
                                   'ansible_python_interpreter=/usr/bin/python3']
    path = os.path.join(work, 'inventory.ini')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    group_vars = {
        'collection_root': collection_root,
        'baseline_template': os.path.join(collection_root, 'tests', 'integration', 'targets', 'role_render', 'templates', 'gofer_web-0.3.0.toml.j2'),
        'gofer_secret_store_sqlite_encryption_key': KEY,
        # The config only, as the conventional role places it; the benchmark containers have no systemd.
        'gofer_install': False,
        'gofer_manage_service': False,
        'gofer_allow_insecure': True,
        'gofer_server_use_tls': True,
        'gofer_external_events_use_tls': False,
        'gofer_external_events_tls_cert_path': '/etc/gofer/tls/events.crt',
        'gofer_external_events_tls_key_path': '/etc/gofer/tls/events.key',
        'gofer_tls_src': {'external_events': {'cert': os.path.join(tls_dir, 'events.crt'),
                                              'key': os.path.join(tls_dir, 'events.key')}},
    }
    vars_path = os.path.join(work, 'group_vars.json')
    with open(vars_path, 'w') as f:
        json.dump(group_vars, f)
    return path, vars_path


def tree_rss_mb(root_pid):
    """Resident memory of a process and all its descendants (via /proc/PID/task/*/children)."""
    total, todo, page = 0, [root_pid], os.sysconf('SC_PAGE_SIZE')
    while todo:
        pid = todo.pop()
        try:
            with open('/proc/%d/statm' % pid) as f:
                total += int(f.read().split()[1]) * page
            for task in os.listdir('/proc/%d/task' % pid):
                with open('/proc/%d/task/%s/children' % (pid, task)) as f:
                    todo.extend(int(child) for child in f.read().split())
        except (OSError, ValueError):
            continue
    return total / 2 ** 20


class PeakSampler(threading.Thread):
    """Samples the controller's memory (ansible-playbook and its forks together) every 100 ms."""

    def __init__(self, pid):
        super(PeakSampler, self).__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self):
        while not self.done.wait(0.1):
            self.peak = max(self.peak, tree_rss_mb(self.pid))


def converge(work, inventory, vars_path, role, env):
    counts = os.path.join(work, 'counts-%s-%d' % (role, time.monotonic_ns()))
    run_env = dict(env, GOFER_BENCH_COUNTS=counts)
    argv = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory,
            '-e', '@' + vars_path, '-e', 'bench_role=' + role, os.path.join(HERE, 'converge.yml')]
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = PeakSampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.monotonic() - started
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.stderr.write(stdout[-4000:] + stderr[-2000:])
        raise SystemExit('converge with %s failed' % role)
    with open(counts + '.json') as f:
        per_host = json.load(f)
    executions = [sum(c.values()) for c in per_host.values()]
    changed = sum(int(line.split('changed=')[1].split()[0]) for line in stdout.splitlines()
                  if 'changed=' in line and ' : ok=' in line)
    return {'wall': wall, 'execs_per_host': statistics.mean(executions) if executions else 0,
            'modules': sorted({m for c in per_host.values() for m in c}), 'changed': changed,
            'peak_mb': sampler.peak}


def validate_timing(collection_parent):
    sys.path.insert(0, collection_parent)
    import tomllib
    from ansible_collections.gofer.gofer.plugins.plugin_utils import _validate
    with open(os.path.join(ROOT, 'playbooks', 'templates', 'demo_gofer_web.toml.j2')) as f:
        text = f.read().replace('{{ demo_root }}', '/var/lib/gofer-demo').replace('{{ demo_encryption_key }}', KEY)
    samples = []
    for _run in range(1000):
        started = time.perf_counter()
        _validate.validate(tomllib.loads(text))
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, sorted(samples)[int(len(samples) * 0.99)] * 1000


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            models = [line.split(':', 1)[1].strip() for line in f if line.startswith('model name')]
        cpu = '%d x %s' % (len(models), models[0]) if models else cpu
    except OSError:
        pass
    mem = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2 ** 30
    versions = sh(os.path.join(os.path.dirname(sys.executable), 'ansible'), '--version').stdout.splitlines()[0]
    docker = sh('docker', 'version', '--format', '{{.Server.Version}}').stdout.strip()
    return '%s, %.0f GiB RAM, Python %s, %s, Docker %s' % (cpu, mem, platform.python_version(), versions, docker)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hosts', type=int, nargs='+', default=[1, 5, 20])
    parser.add_argument('--forks', type=int, default=5)
    parser.add_argument('--collections', required=True, help='path holding ansible_collections/gofer/gofer')
    parser.add_argument('--markdown', help='also write the results page here')
    parser.add_argument('--service-only', action='store_true',
                        help='measure only the re-run with install and service on, and update that section in place')
    args = parser.parse_args()
    if args.service_only:
        section = service_section(service_execs(args.collections))
        print(section)
        if args.markdown:
            with open(args.markdown) as f:
                page = f.read()
            if SERVICE_BEGIN not in page:  # a page written before the section existed
                page = page.replace('## Reproduce', SERVICE_BEGIN + SERVICE_END + '\n\n## Reproduce')
            start, end = page.index(SERVICE_BEGIN), page.index(SERVICE_END) + len(SERVICE_END)
            with open(args.markdown, 'w') as f:
                f.write(page[:start] + section + page[end:])
        return

    work = tempfile.mkdtemp(prefix='gofer-bench-')
    tls = os.path.join(work, 'tls')
    os.makedirs(tls)
    sh('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days',
       '30', '-subj', '/CN=gofer.bench', '-keyout', os.path.join(tls, 'events.key'), '-out',
       os.path.join(tls, 'events.crt'))
    collection_root = os.path.join(args.collections, 'ansible_collections', 'gofer', 'gofer')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=args.collections, ANSIBLE_CALLBACKS_ENABLED='count_modules',
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
               ANSIBLE_ROLES_PATH=os.path.join(HERE, 'roles'), ANSIBLE_FORKS=str(args.forks),
               ANSIBLE_HOST_KEY_CHECKING='false', ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1',
               ANSIBLE_DEPRECATION_WARNINGS='false')
    rows = []
    try:
        for count in args.hosts:
            result = {'hosts': count}
            for role in ('gofer.gofer.server', 'gofer_baseline', 'gofer_floor'):
                names = start_hosts(count)
                inventory, vars_path = write_inventory(work, names, tls, collection_root)
                first = converge(work, inventory, vars_path, role, env)
                rerun = converge(work, inventory, vars_path, role, env)
                result[role] = {'first': first, 'rerun': rerun}
                print('N=%-3d %-20s first %6.2fs %4.1f execs/host | re-run %6.2fs %4.1f execs/host changed=%d'
                      % (count, role, first['wall'], first['execs_per_host'], rerun['wall'],
                         rerun['execs_per_host'], rerun['changed']), flush=True)
            rows.append(result)
    finally:
        stop_hosts()
        shutil.rmtree(work, ignore_errors=True)
    median_ms, p99_ms = validate_timing(args.collections)
    args.service = service_section(service_execs(args.collections))
    report(rows, median_ms, p99_ms, args)


SERVICE_HOST = 'gofer-bench-service'
SERVICE_BEGIN, SERVICE_END = '<!-- service: begin -->', '<!-- service: end -->'


def service_execs(collections):
    """Module executions per host of a no-change re-run with install and service on (systemd, the stand-in)."""
    work = tempfile.mkdtemp(prefix='gofer-bench-service-')
    subprocess.run(['docker', 'rm', '-f', SERVICE_HOST], capture_output=True, check=False)
    sh('docker', 'run', '-d', '--name', SERVICE_HOST, '--tmpfs', '/run', '--tmpfs', '/run/lock', '-v',
       '/sys/fs/cgroup:/sys/fs/cgroup:ro', '--cap-add', 'SYS_ADMIN',
       'gofer-test/debian:bookworm-systemd', '/sbin/init')
    try:
        inventory = os.path.join(work, 'inventory.json')
        with open(inventory, 'w') as f:
            json.dump({'all': {'hosts': {SERVICE_HOST: {
                'ansible_connection': 'community.docker.docker', 'ansible_python_interpreter': '/usr/bin/python3',
                'standins': os.path.join(work, 'standins'), 'gofer_create_user': True,
                'gofer_secret_store_sqlite_encryption_key': KEY, 'gofer_server_bind_address': '0.0.0.0:8080',
                'gofer_extension_images_pull': False, 'gofer_health_timeout': 10}}}}, f)
        playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, MOLECULE_EPHEMERAL_DIRECTORY=work,
                   ANSIBLE_HOST_KEY_CHECKING='false', ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='false')
        # The service scenario's prepare: the stand-in binaries, a docker group, the Docker API stand-in.
        sh(playbook, '-i', inventory, os.path.join(ROOT, 'extensions', 'molecule', 'service', 'prepare.yml'), env=env)
        sh(playbook, '-i', inventory, os.path.join(HERE, 'service', 'converge.yml'), env=env)
        counts = os.path.join(work, 'counts')
        env.update(ANSIBLE_CALLBACKS_ENABLED='count_modules', ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
                   GOFER_BENCH_COUNTS=counts)
        out = sh(playbook, '-i', inventory, os.path.join(HERE, 'service', 'converge.yml'), env=env).stdout
        changed = sum(int(line.split('changed=')[1].split()[0]) for line in out.splitlines() if ' : ok=' in line)
        with open(counts + '.json') as f:
            per_module = json.load(f)[SERVICE_HOST]
        return {'execs': sum(per_module.values()), 'modules': per_module, 'changed': changed}
    finally:
        subprocess.run(['docker', 'rm', '-f', SERVICE_HOST], capture_output=True, check=False)
        shutil.rmtree(work, ignore_errors=True)


def service_section(figure):
    modules = ', '.join('%s %d' % (name, count) for name, count in sorted(figure['modules'].items()))
    return '\n'.join([
        SERVICE_BEGIN,
        '## Install and service on',
        '',
        'A no-change re-run of the whole role with `gofer_install`, `gofer_manage_service` and `gofer_create_user` on, '
        'on one Debian bookworm container with systemd as PID 1 and the tests\' stand-in for the Gofer 0.7.3 binary '
        '(`tests/standin`, not Gofer): **%d module executions** on the host, %d changed (%s).'
        % (figure['execs'], figure['changed'], modules),
        SERVICE_END])


def report(rows, median_ms, p99_ms, args):
    ours, base, floor = 'gofer.gofer.server', 'gofer_baseline', 'gofer_floor'
    lines = ['| hosts | run | wall s: ours | wall s: baseline | wall: ours/baseline | wall s: floor '
             '| wall: floor/baseline | module execs/host: ours | module execs/host: baseline '
             '| controller peak MB: ours | controller peak MB: baseline | changed hosts-tasks: ours / baseline |',
             '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|']
    for row in rows:
        for run in ('first', 'rerun'):
            a, b, f = row[ours][run], row[base][run], row[floor][run]
            lines.append('| %d | %s | %.2f | %.2f | **%.2f** | %.2f | %.2f | %.1f | %.1f | %.0f | %.0f | %d / %d |'
                         % (row['hosts'], 'first converge' if run == 'first' else 'no-change re-run', a['wall'],
                            b['wall'], a['wall'] / b['wall'], f['wall'], f['wall'] / b['wall'], a['execs_per_host'],
                            b['execs_per_host'], a['peak_mb'], b['peak_mb'], a['changed'], b['changed']))
    summary = ['', 'Modules per host, re-run: ours %s; baseline %s.'
               % (', '.join(rows[-1][ours]['rerun']['modules']), ', '.join(rows[-1][base]['rerun']['modules'])),
               'Controller peak memory is the largest sum of resident memory of ansible-playbook and all its '
               'processes (forks, docker clients), sampled every 100 ms; pages the forks share are counted in '
               'each, so it overstates, alike for both roles.',
               'Parse (tomllib) and validate a full config on the controller: median %.3f ms, p99 %.3f ms '
               '(1000 runs).' % (median_ms, p99_ms)]
    table = '\n'.join(lines + summary)
    print()
    print(table)
    if args.markdown:
        with open(args.markdown, 'w') as f:
            f.write(PAGE.format(machine=machine(), forks=args.forks, table=table, service=args.service))


PAGE = '''# Performance

<!-- Written by benchmarks/run.py (make bench); the figures come from one run. -->

What it costs to converge a fleet of Gofer hosts with `gofer.gofer.server`, against a conventional role
(`benchmarks/roles/gofer_baseline`) that places the same files the usual way: `ansible.builtin.template` for the
TOML, `ansible.builtin.file` per directory, `ansible.builtin.copy` per certificate and key. The baseline validates
nothing; the collection validates the whole config on the controller and places everything in one module
execution per host. The floor (`benchmarks/roles/gofer_floor`) is a play that runs one `ansible.builtin.ping` per
host and nothing else: no role that places a file in one module execution can cost less, so where floor/baseline
is above a target ratio, no role can meet it there.

The role under test runs with `gofer_install` and `gofer_manage_service` off (these hosts have no systemd): the
config, its directories and the TLS files, as the baseline places them.

Hosts are fresh Debian bookworm containers reached with the `community.docker.docker` connection, forks = {forks},
no fact gathering, the Python interpreter set. Module executions are counted by `benchmarks/callback_plugins/
count_modules.py`, which counts every module an action runs on a host (a template task runs stat, then copy).

Machine: {machine}.

{table}

{service}

## Reproduce

```sh
make bench
# only the re-run with install and service on, updated in place:
.venv/bin/python benchmarks/run.py --service-only --collections .cache/collections --markdown docs/performance.md
```
'''


if __name__ == '__main__':
    main()
