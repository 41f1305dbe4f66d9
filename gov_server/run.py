"""Development server: the WSGI application on http://127.0.0.1:8000.

    python -m gov_server.run [--host H] [--port P]

Production uses gunicorn with several workers instead (see README).

Without `[gov] portal_url`, the links the server writes (e-mails, QR
codes) use its own address, http://<host>:<port>. With `[gov] dev_mailbox`
(config/trytond.conf), outgoing mail is kept in that folder and shown at
/hop-thu-thu-nghiem (gov_server/devmail.py). With `[gov] sandboxes`
(config/trytond.conf), the stand-ins for third-party platforms named there
(e.g. `payment`) are started first by gov_server.sandboxes — the one place
that starts them — and the configuration is pointed at them; they stop
with the server.
"""
import argparse

from gov_server import configure
from gov_server.settings import ROOT


def own_url(host, port):
    "The address to put in links: a wildcard bind is reached by loopback."
    if host in {'', '0.0.0.0', '::'}:
        host = '127.0.0.1'
    if ':' in host:
        host = f'[{host}]'
    return f'http://{host}:{port}'


# What `make run` prints of each sandbox: its name, what to do there.
SANDBOX_NAMES = {
    'payment': ('Cổng thanh toán thử nghiệm (sandbox payment platform)',
        'no account: its page has Thanh toán / Hủy / Giao dịch lỗi'),
    'postal': ('Doanh nghiệp bưu chính thử nghiệm (sandbox postal operator)',
        'parcels handed to the post move by themselves '
        '([gov_postal] auto_advance)'),
    'oidc': ('Định danh điện tử thử nghiệm (sandbox VNeID, OpenID Connect)',
        'the login page\'s "Đăng nhập bằng VNeID (thử nghiệm)": pick a '
        'demo citizen or type one'),
    'sms': ('Nhà mạng SMS thử nghiệm (sandbox SMS operator)',
        'its page lists the SMS sent and texts "TRACUU <mã hồ sơ>" to the '
        'lookup'),
    }


def start_sandboxes(config):
    """Start the sandboxes named by `[gov] sandboxes` (comma-separated;
    development only) and point the configuration at them before the
    application reads it. {name: URL} of those started."""
    names = [n.strip() for n in (config.get(
                'gov', 'sandboxes', default='') or '').split(',')
        if n.strip()]
    if not names:
        return {}
    from gov_server import sandboxes
    started = sandboxes.start_all(config, names=names)
    sandboxes.apply(config)
    return started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8000)
    args = parser.parse_args(argv)
    configure()  # before trytond reads its configuration

    from werkzeug.serving import run_simple

    from trytond import config
    url = own_url(args.host, args.port)
    if not config.get('gov', 'portal_url', default=None):
        config.set('gov', 'portal_url', url)
    started = start_sandboxes(config)

    from gov_server.data_load import print_accounts
    from gov_server.wsgi import application
    # The demo identity provider record follows the sandbox's address
    # (new at each start); before the mailbox's thread (see below).
    from gov_server.data_sso import point_demo_provider
    pointed = point_demo_provider(
        config, config.get('gov', 'database', default='dvc'))
    mailbox = config.get('gov', 'dev_mailbox', default=None)
    if mailbox:
        # After the application: trytond refuses to load the pool while
        # another thread (the mailbox's) runs.
        from gov_server import devmail
        config.set('email', 'uri', devmail.start(ROOT / mailbox))
        print(f'Hộp thư thử nghiệm (development mailbox): {url}'
            f'{devmail.PATH} — {devmail.DIRECTORY}')
    print_accounts(url)
    for name, sandbox_url in started.items():
        label, hint = SANDBOX_NAMES.get(name, (name, ''))
        print(f'{label}: {sandbox_url} — {hint}')
    if pointed:
        print(pointed)
    if started or pointed:
        print()
    run_simple(args.host, args.port, application, threaded=True,
        use_reloader=False)


if __name__ == '__main__':
    main()
