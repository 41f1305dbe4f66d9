"""Create or update the database, then load the province data and demo.

    python -m gov_server.setup_db [--database NAME] [--no-demo]

Runs `trytond-admin` to activate (first run) or update (when a module's
files changed since the last run) our modules, then loads data/ (agencies,
holidays, …) and the demo accounts idempotently: records are matched by
their code, date or login, so a second run changes nothing and never wipes
data. Configuration comes from TRYTOND_CONFIG (config/trytond.conf by
default).
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from gov_server import configure
from gov_server.settings import ADMIN_PASSWORD, MODULES, ROOT, VAR


def modules_fingerprint():
    digest = hashlib.sha256()
    for path in sorted((ROOT / 'addons').rglob('*')):
        if path.is_file() and '__pycache__' not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    for path in sorted((ROOT / 'i18n').rglob('*.po')):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def database_exists(name):
    from trytond.transaction import Transaction
    with Transaction().start(None, 0, readonly=True, close=True) as transaction:
        return name in transaction.database.list()


def run_admin(name, first):
    admin = [str(Path(sys.executable).parent / 'trytond-admin'),
        '-d', name, '--activate-dependencies', '-l', 'vi']
    env = dict(os.environ)
    with tempfile.NamedTemporaryFile('w', delete=False) as passfile:
        passfile.write(ADMIN_PASSWORD + '\n')
    env['TRYTONPASSFILE'] = passfile.name
    try:
        # -u activates a module added to MODULES since the last run;
        # --all also updates the framework modules after an upgrade.
        cmd = admin + ['-u', *MODULES]
        if first:
            cmd += ['--email', 'admin@dichvucong.example']
        else:
            cmd += ['--all']
        print('>>', ' '.join(cmd[1:]), flush=True)
        subprocess.run(cmd, check=True, env=env)
    finally:
        os.unlink(passfile.name)


def main(argv=None):
    configure()  # before trytond reads its configuration
    from trytond import config
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', default=None)
    parser.add_argument('--no-demo', action='store_true')
    args = parser.parse_args(argv)
    name = args.database or config.get('gov', 'database', default='dvc')

    if config.get('database', 'uri', default='').startswith('sqlite'):
        path = Path(config.get('database', 'path'))
        path.mkdir(parents=True, exist_ok=True)
        db_file = path / f'{name}.sqlite'
        first = not db_file.exists()
        if first:
            # trytond-admin initialises an existing (empty) SQLite file.
            db_file.touch()
        stamp = path / f'{name}.modules'
    else:
        first = not database_exists(name)
        if first:
            from trytond.transaction import Transaction
            with Transaction().start(
                    None, 0, close=True, autocommit=True) as transaction:
                transaction.database.create(transaction.connection, name)
        stamp = VAR / f'{name}.modules'
    fingerprint = modules_fingerprint()
    if first or not stamp.exists() or stamp.read_text() != fingerprint:
        run_admin(name, first)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint)
    else:
        print('>> modules unchanged: database', name, 'reused as it is')

    from gov_server import data_load
    data_load.load_all(name, demo=not args.no_demo)


if __name__ == '__main__':
    main()
