"""A throw-away PostgreSQL cluster of its own for the drills that restart
or restore the database server (R-OPS-1): the machine's cluster is shared
(the other tests, other databases) and must never be restarted by a drill.

    cluster = Cluster.create()     # initdb in a temporary folder, started
    cluster.uri                    # postgresql://<user>@127.0.0.1:<port>/
    cluster.restart()              # pg_ctl restart -m fast
    cluster.destroy()              # stopped, its folder removed

It listens on 127.0.0.1 only, on a free port, without a Unix socket,
trusting the local connections (a drill's cluster: nothing else on it).
Its folder holds `data/`, `archive/` (the WAL archive: WAL segments of
1 MiB, archived once `archive()` turned it on, gov_server.pitr) and
`postgresql.log`. PostgreSQL refuses to run as root: when this process is
root, every server program runs as the `postgres` system user (runuser),
which owns the folder; the bootstrap superuser is named after this
process's user, so the application connects as usual."""
import getpass
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

OWNER = 'postgres'


def bindir():
    "The newest PostgreSQL server's programs (Debian), or None."
    found = sorted(Path('/usr/lib/postgresql').glob('*/bin/initdb'),
        key=lambda p: int(p.parent.parent.name)
        if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which('initdb')
    return Path(initdb).parent if initdb else None


def unavailable():
    "Why no cluster can be made here, or None."
    if bindir() is None:
        return 'no PostgreSQL server programs (initdb)'
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OWNER)
        except KeyError:
            return f'running as root without a "{OWNER}" system user'
        if not shutil.which('runuser'):
            return 'running as root without runuser'
    return None


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Cluster:
    "A PostgreSQL cluster in a folder of its own (see the module)."

    def __init__(self, directory, port=None):
        self.dir = Path(directory)
        self.data = self.dir / 'data'
        self.archive_dir = self.dir / 'archive'
        self.log = self.dir / 'postgresql.log'
        self.port = port or free_port()
        self.user = getpass.getuser()
        self.bin = bindir()

    @property
    def uri(self):
        return f'postgresql://{self.user}@127.0.0.1:{self.port}/'

    @classmethod
    def create(cls, parent=None):
        "initdb in a new temporary folder and start it."
        problem = unavailable()
        if problem:
            raise RuntimeError(problem)
        directory = Path(tempfile.mkdtemp(prefix='dvc-pg-', dir=parent))
        cluster = cls(directory)
        try:
            cluster.own(directory)
            cluster.initdb()
            cluster.start()
        except BaseException:
            cluster.destroy()
            raise
        return cluster

    def own(self, path):
        "Give the path to the user the server runs as."
        if os.geteuid() == 0:
            owner = pwd.getpwnam(OWNER)
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def command(self, program, *args, check=True, **kwargs):
        "Run a server program as the cluster's owner."
        runner = (['runuser', '-u', OWNER, '--']
            if os.geteuid() == 0 else [])
        return subprocess.run(
            [*runner, str(self.bin / program), *map(str, args)],
            check=check, capture_output=True, text=True, cwd=self.dir,
            **kwargs)

    def initdb(self):
        self.command('initdb', '-D', self.data, '-U', self.user,
            '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8',
            '--wal-segsize=1', '--no-sync')
        self.archive_dir.mkdir()
        self.own(self.archive_dir)
        with open(self.data / 'postgresql.conf', 'a') as f:
            f.write(self.settings())

    def settings(self):
        # A drill's cluster: no durability needed beyond a clean or an
        # immediate shutdown of the server (the machine does not crash).
        return '\n'.join([
                "listen_addresses = '127.0.0.1'",
                f'port = {self.port}',
                "unix_socket_directories = ''",
                'fsync = off',
                'full_page_writes = on',
                'max_connections = 200',
                'shared_buffers = 64MB',
                'wal_level = replica',
                'max_wal_senders = 4',
                # The archive is off (a no-op command) until archive().
                'archive_mode = on',
                "archive_command = '/bin/true'",
                'archive_timeout = 0',
                "log_min_messages = warning",
                ]) + '\n'

    def pg_ctl(self, action, *args, data=None):
        return self.command('pg_ctl', action, '-D', data or self.data,
            '-l', self.log, '-w', '-t', '60', *args)

    def start(self):
        self.pg_ctl('start')
        return self

    def stop(self, mode='fast'):
        if (self.data / 'postmaster.pid').exists():
            self.pg_ctl('stop', '-m', mode)

    def restart(self, mode='fast'):
        self.pg_ctl('restart', '-m', mode)

    def ready(self, port=None, timeout=1):
        "Whether the server accepts connections."
        return self.command('pg_isready', '-h', '127.0.0.1', '-p',
            port or self.port, '-t', str(timeout), check=False
            ).returncode == 0

    def destroy(self):
        "Stop the server (and a restored one) and remove the folder."
        for data in self.dir.glob('*/postmaster.pid'):
            self.command('pg_ctl', 'stop', '-D', data.parent, '-m',
                'immediate', '-w', '-t', '30', check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready():
                return True
            time.sleep(0.2)
        return False
