"""Accounts the benchmarks use, created through the ORM (a handful of
records): the demo officers of gov_server.data_load (the inbox benchmark
logs in as one of them). Run with TRYTOND_CONFIG set:

    python -m bench.prepare DATABASE
"""
import sys


def main(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from gov_server.data_load import load_users
    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0, context={'language': 'vi'}):
        print('>> load_users —', load_users(pool), flush=True)


if __name__ == '__main__':
    main(sys.argv[1])
