# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Check every stored file of the dossiers against its recorded SHA-256
(R-SEC-1), as the daily cron does, and print the ones that differ:

    python -m gov_signature.check_files -c config/trytond.conf -d dvc

Exit status 0 when all files match, 1 when one differs (for monitoring);
each newly found difference is written in its dossier's history."""
import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', default=os.environ.get(
            'TRYTOND_CONFIG'))
    parser.add_argument('-d', '--database', required=True)
    args = parser.parse_args(argv)
    if args.config:
        os.environ['TRYTOND_CONFIG'] = args.config
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0) as transaction:
        Document = pool.get('gov.dossier.document')
        altered = Document.check_integrity()
        for document in altered:
            print(f'ALTERED {document.dossier.code} document {document.id} '
                f'"{document.name}" expected SHA-256 {document.sha256}')
        checked = Document.search_count([('sha256', '!=', None)])
        print(f'{checked} files checked, {len(altered)} altered')
        transaction.commit()
    return 1 if altered else 0


if __name__ == '__main__':
    sys.exit(main())
