"""Start and stop the sandboxes: the stand-ins for third-party platforms,
each a separate process speaking real HTTP on 127.0.0.1.

    from gov_server import sandboxes
    urls = sandboxes.start_all(config)   # {'payment': 'http://127.0.0.1:P'}
    ...
    sandboxes.stop_all()

This is the one place that starts them: the development server (`make
run`) and the tests both call it. `config` is the trytond configuration
module (trytond.config), a configparser.ConfigParser, a dict of sections
({'gov_fee': {'secret': …}}) or None. Each sandbox reads its section:

``payment`` (gov_server.sandbox_payment), section ``[gov_fee]``:
    ``sandbox_port``  its port (default: a free one)
    ``secret``        the shared HMAC secret (default: a random one)
    ``merchant_id``   our merchant code (default ``DVC-DAKNONG``)

``postal`` (gov_server.sandbox_postal), section ``[gov_postal]``:
    ``sandbox_port``  its port (default: a free one)
    ``secret``        the shared HMAC secret (default: a random one)
    ``customer_code`` our customer code, the only one it accepts (default
                      ``DVC-DAKNONG``)
    ``auto_advance``  seconds: each parcel then moves by itself
                      picked_up → in_transit → delivered, one step per
                      interval (default: only the control endpoint moves
                      them)

``national`` (gov_server.sandbox_national), section ``[gov_api]``:
    ``sandbox_port``  its port (default: a free one)
    ``secret``        the shared HMAC secret (default: a random one)

``oidc`` (gov_server.sandbox_oidc), section ``[gov_sso]``:
    ``sandbox_port``  its port (default: a free one)
    ``secret``        the client secret of the portal (default: a random
                      one)
    ``client_id``     the portal's client id there (default
                      ``dvc-daknong``)

``sms`` (gov_server.sandbox_sms), section ``[gov_sms]``:
    ``sandbox_port``  its port (default: a free one)
    ``secret``        the shared HMAC secret, of the messages, delivery
                      reports and inbound SMS (default: a random one)
    ``sender``        our brandname, the only one it accepts (default
                      ``DVC-DAKNONG``)
    ``inbound_url``   the platform's ``/sms/inbound``, where it forwards
                      the SMS texted to it (default: none until set with
                      its ``POST /control``)
    ``report_delay``  seconds before a delivery report (default 0.2)

`settings()` gives, for the running sandboxes, the values the platform's
own configuration needs to talk to them — for the payment sandbox
``[gov_fee] gateway = http``, ``payment_url = <url>/orders``, ``secret``
and ``merchant_id``; for the postal sandbox ``[gov_postal] carrier =
http``, ``carrier_url = <url>``, ``secret`` and ``customer_code``; for
the SMS operator ``[gov] sms_gateway = operator`` and
``sms_inbound_secret``, ``[gov_sms] url``, ``secret`` and ``sender``; for
the identity provider ``[gov_sso] sandbox_issuer = <url>``,
``sandbox_client_id`` and ``sandbox_client_secret`` (gov_server.data_sso
points the demo provider record at it); `apply(config)` writes them into
trytond.config.

The processes are stopped by `stop_all()`, at the exit of the process
that started them, and by themselves when that process disappears
(GOV_SANDBOX_PARENT).
"""
import atexit
import configparser
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

from gov_server.settings import ROOT

STARTUP_TIMEOUT = 20


@dataclass
class Sandbox:
    "How to start one sandbox and what it needs from the configuration."
    name: str
    module: str
    section: str
    defaults: dict = field(default_factory=dict)
    # Options (of defaults) passed to the process as --option value.
    arguments: tuple = ()


SANDBOXES = {
    'payment': Sandbox('payment', 'gov_server.sandbox_payment', 'gov_fee',
        defaults={'merchant_id': 'DVC-DAKNONG'}),
    'postal': Sandbox('postal', 'gov_server.sandbox_postal', 'gov_postal',
        defaults={'customer_code': 'DVC-DAKNONG', 'auto_advance': None},
        arguments=('customer_code', 'auto_advance')),
    'national': Sandbox('national', 'gov_server.sandbox_national',
        'gov_api'),
    'oidc': Sandbox('oidc', 'gov_server.sandbox_oidc', 'gov_sso',
        defaults={'client_id': 'dvc-daknong'}, arguments=('client_id',)),
    'sms': Sandbox('sms', 'gov_server.sandbox_sms', 'gov_sms',
        defaults={'sender': 'DVC-DAKNONG', 'inbound_url': None,
            'report_delay': None},
        arguments=('sender', 'inbound_url', 'report_delay')),
    }


@dataclass
class Running:
    sandbox: Sandbox
    process: subprocess.Popen
    url: str
    options: dict


_running = {}


def _option(config, section, option):
    if config is None:
        return None
    # A ConfigParser is a Mapping too: asked first.
    if isinstance(config, configparser.RawConfigParser):
        return config.get(section, option, fallback=None)
    if isinstance(config, Mapping):
        return (config.get(section) or {}).get(option)
    return config.get(section, option, default=None)  # trytond.config


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _healthy(url):
    try:
        with urllib.request.urlopen(url + '/health', timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _start(sandbox, config, log):
    secret = (_option(config, sandbox.section, 'secret')
        or secrets.token_hex(16))
    options = dict(sandbox.defaults)
    for key in options:
        value = _option(config, sandbox.section, key)
        if value:
            options[key] = value
    options['secret'] = secret
    arguments = []
    for key in sandbox.arguments:
        if options.get(key):
            arguments += ['--' + key.replace('_', '-'), str(options[key])]
    configured = _option(config, sandbox.section, 'sandbox_port')
    # A free port may be taken between the check and the bind: try again
    # with another one (a configured port is tried once).
    for _ in range(1 if configured else 3):
        port = int(configured) if configured else _free_port()
        url = f'http://127.0.0.1:{port}'
        env = dict(os.environ, GOV_SANDBOX_SECRET=secret,
            GOV_SANDBOX_PARENT=str(os.getpid()))
        # The secret travels in the environment, not on the command line
        # (which every user of the machine can read).
        process = subprocess.Popen(
            [sys.executable, '-m', sandbox.module,
                '--host', '127.0.0.1', '--port', str(port), *arguments],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=log)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if _healthy(url):
                return Running(sandbox, process, url, options)
            time.sleep(0.1)
        _stop(process)
    raise RuntimeError(
        f"the {sandbox.name} sandbox ({sandbox.module}) did not answer on "
        f"{url}/health within {STARTUP_TIMEOUT} s")


def start_all(config=None, names=None, log=None):
    """Start the sandboxes (all, or those named) not running yet; return
    {name: base URL} of the running ones.

    log: where their output goes (a file object or subprocess.DEVNULL);
    by default the parent's standard error."""
    for name in names or SANDBOXES:
        if name in _running and _running[name].process.poll() is None:
            continue
        _running[name] = _start(SANDBOXES[name], config, log)
    return urls()


def urls():
    "{name: base URL} of the running sandboxes."
    return {name: r.url for name, r in _running.items()}


def settings():
    """{section: {option: value}}: the configuration that points the
    platform at the running sandboxes."""
    result = {}
    payment = _running.get('payment')
    if payment:
        result['gov_fee'] = {
            'gateway': 'http',
            'payment_url': payment.url + '/orders',
            'secret': payment.options['secret'],
            'merchant_id': payment.options['merchant_id'],
            }
    postal = _running.get('postal')
    if postal:
        result['gov_postal'] = {
            'carrier': 'http',
            'carrier_url': postal.url,
            'secret': postal.options['secret'],
            'customer_code': postal.options['customer_code'],
            }
    national = _running.get('national')
    if national:
        # gov_api's outbox sends the dossiers' status changes there.
        result['gov_api'] = {
            'sync_url': national.url + '/events',
            'secret': national.options['secret'],
            }
    oidc = _running.get('oidc')
    if oidc:
        # Not read by gov_sso itself (its providers are records):
        # gov_server.data_sso writes them into the demo provider.
        result['gov_sso'] = {
            'sandbox_issuer': oidc.url,
            'sandbox_client_id': oidc.options['client_id'],
            'sandbox_client_secret': oidc.options['secret'],
            }
    sms = _running.get('sms')
    if sms:
        # gov_dossier's SMS gateway sends there; the lookup by SMS
        # (gov_portal) trusts what it forwards, signed with its secret.
        result.setdefault('gov', {}).update({
                'sms_gateway': 'operator',
                'sms_inbound_secret': sms.options['secret'],
                })
        result['gov_sms'] = {
            'url': sms.url,
            'secret': sms.options['secret'],
            'sender': sms.options['sender'],
            }
    return result


def apply(config):
    "Write settings() into trytond.config (the module)."
    for section, options in settings().items():
        if not config.has_section(section):
            config.add_section(section)
        for option, value in options.items():
            config.set(section, option, value)


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stop_all():
    "Stop every sandbox this process started."
    while _running:
        _, running = _running.popitem()
        _stop(running.process)


atexit.register(stop_all)
