"""Point-in-time recovery: WAL archiving, a base backup, and a restore to
a moment before a mistake (R-OPS-1: an outage loses no submitted data).

The nightly pg_dump of gov_server.backup restores the database as it was
at the dump: what was submitted since is lost with the server. With WAL
archiving, PostgreSQL copies each completed WAL segment to an archive; a
base backup (pg_basebackup) plus the archive restore the cluster as it was
at any moment after the base backup — just before a mistaken mass update,
or up to the last archived segment after losing the server.

On a server (PostgreSQL 15, Debian), in postgresql.conf:

    wal_level = replica
    archive_mode = on                                    # needs a restart
    archive_command = 'test ! -f /var/backups/dvc/wal/%f && cp %p /var/backups/dvc/wal/%f'
    archive_timeout = 300     # a segment at least every 5 minutes

then a base backup every night (`python -m gov_server.pitr base-backup
--dest /var/backups/dvc/base/$(date +%F)`), kept as long as the nightly
dumps; the archive's segments older than the oldest base backup kept can
go (pg_archivecleanup). Copy both to another machine.

Restore to a moment, into a new data directory, on another port (the
damaged cluster stays as it is until you decide), as the `postgres` user
(PostgreSQL refuses to run as root):

    python -m gov_server.pitr restore --base /var/backups/dvc/base/2026-12-06 \\
        --archive /var/backups/dvc/wal --data /var/lib/postgresql/15/pitr \\
        --target '2026-12-07 09:41:00+07' --port 5433

It copies the base backup, writes the recovery settings (restore_command
from the archive, recovery_target_time, promote at the target), starts
the server and returns once it accepts connections: check it, then point
the application at it (TRYTOND_DATABASE__URI) or pg_dump what you need
from it. The filestore is not in the WAL: restore it from the nightly
backup (its files never change once written; gov_server.restore_drill
checks them against the dossiers' SHA-256).

gov_server.drills' `pitr` drill does all of it on the stack's private
cluster (gov_server.pg_cluster) and checks the dossiers submitted before
the target are there and those after are not."""
import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg


def archive_command(archive):
    "An archive_command copying each segment once into the folder."
    return f"test ! -f {archive}/%f && cp %p {archive}/%f"


def start_archiving(conninfo, archive):
    """Archive into the folder from now on (archive_mode is on; only the
    command changes, a reload is enough)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"ALTER SYSTEM SET archive_command = "
            f"'{archive_command(archive)}'")
        conn.execute('SELECT pg_reload_conf()')


def switch_and_wait(conninfo, timeout=30):
    """Close the current WAL segment and wait until it is archived (what
    archive_timeout does on a quiet server): its name."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        segment, = conn.execute(
            'SELECT pg_walfile_name(pg_switch_wal())').fetchone()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, failed = conn.execute("""
                SELECT last_archived_wal >= %s, last_failed_wal
                FROM pg_stat_archiver""", (segment,)).fetchone()
            if done:
                return segment
            time.sleep(0.1)
    raise RuntimeError(f'WAL segment {segment} not archived in {timeout} s '
        f'(last failure: {failed})')


def wait_promoted(conninfo, timeout=120):
    """Whether the restored server reached its target and was promoted
    within timeout (it accepts connections while it still replays)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(conninfo, connect_timeout=5) as conn:
                if not conn.execute('SELECT pg_is_in_recovery()'
                        ).fetchone()[0]:
                    return True
        except psycopg.OperationalError:
            pass
        time.sleep(0.2)
    return False


def base_backup_args(dest, host, port, user):
    "pg_basebackup's arguments: plain, its WAL streamed, fast checkpoint."
    return ['-h', host, '-p', str(port), '-U', user, '-D', str(dest),
        '-X', 'stream', '-c', 'fast', '--no-sync']


def recovery_settings(archive, target, port):
    return '\n'.join([
            '',
            '# gov_server.pitr: a point-in-time recovery',
            f"restore_command = 'cp {archive}/%f %p'",
            f"recovery_target_time = '{target}'",
            "recovery_target_action = 'promote'",
            f'port = {port}',
            # The restored cluster archives nothing of its own.
            "archive_command = '/bin/true'",
            '']) + '\n'


def prepare_restore(base, archive, target, data, port, move=False):
    """The data directory made from the base backup, to be recovered to
    `target` when started (copied, or moved when `move`)."""
    data = Path(data)
    if move:
        Path(base).rename(data)
    else:
        shutil.copytree(base, data, symlinks=True)
    with open(data / 'postgresql.auto.conf', 'a') as f:
        f.write(recovery_settings(archive, target, port))
    (data / 'recovery.signal').touch()
    (data / 'standby.signal').unlink(missing_ok=True)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    backup = sub.add_parser('base-backup')
    backup.add_argument('--dest', required=True)
    backup.add_argument('--host', default='/var/run/postgresql')
    backup.add_argument('--port', type=int, default=5432)
    backup.add_argument('--user', default='postgres')
    restore = sub.add_parser('restore')
    restore.add_argument('--base', required=True)
    restore.add_argument('--archive', required=True)
    restore.add_argument('--data', required=True,
        help='the new data directory (must not exist)')
    restore.add_argument('--target', required=True,
        help="a timestamp with its time zone, '2026-12-07 09:41:00+07'")
    restore.add_argument('--port', type=int, default=5433)
    restore.add_argument('--bindir', default=None,
        help='PostgreSQL programs (/usr/lib/postgresql/<newest>/bin)')
    args = parser.parse_args(argv)
    if args.command == 'base-backup':
        subprocess.run(['pg_basebackup', *base_backup_args(args.dest,
                    args.host, args.port, args.user)], check=True)
        print(f'base backup in {args.dest}')
        return 0
    from gov_server.pg_cluster import bindir
    data = prepare_restore(args.base, Path(args.archive).resolve(),
        args.target, args.data, args.port)
    programs = Path(args.bindir) if args.bindir else bindir()
    subprocess.run([str(programs / 'pg_ctl'), 'start', '-D', str(data),
            '-l', str(data / 'recovery.log'), '-w', '-t', '600'],
        check=True)
    if not wait_promoted(f'host=127.0.0.1 port={args.port} '
            'dbname=postgres', timeout=3600):
        print('not promoted yet: see recovery.log', file=sys.stderr)
        return 1
    print(f'restored to {args.target}: port {args.port}, data {data}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
