"""Development server: the WSGI application on http://127.0.0.1:8000.

    python -m gov_server.run [--host H] [--port P]

Production uses gunicorn with several workers instead (see README).
"""
import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from gov_server import configure

configure()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8000)
    args = parser.parse_args(argv)

    from werkzeug.serving import run_simple

    from gov_server.data_load import print_accounts
    from gov_server.wsgi import application
    print_accounts(f'http://{args.host}:{args.port}')
    run_simple(args.host, args.port, application, threaded=True,
        use_reloader=False)


if __name__ == '__main__':
    main()
