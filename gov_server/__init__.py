"""Entry points of the platform (WSGI application, dev server, set-up)."""
import configparser
import os

from gov_server.settings import DEFAULT_CONFIG, ROOT, VAR


def configure():
    """Set TRYTOND_CONFIG before trytond.config is imported.

    An explicit TRYTOND_CONFIG is used as it is. Otherwise the development
    configuration config/trytond.conf is used, with its project-relative
    paths (database path, sao root) made absolute in a generated copy under
    var/, so that every process — server, trytond-admin, tests — finds the
    same database, sao files and development mailbox whatever its working
    directory."""
    if os.environ.get('TRYTOND_CONFIG'):
        return os.environ['TRYTOND_CONFIG']
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(DEFAULT_CONFIG, encoding='utf-8')
    for section, option in [('database', 'path'), ('web', 'root'),
            ('gov', 'dev_mailbox')]:
        value = parser.get(section, option, fallback=None)
        if value and not os.path.isabs(value):
            parser.set(section, option, str(ROOT / value))
    generated = VAR / 'trytond.conf'
    generated.parent.mkdir(parents=True, exist_ok=True)
    with open(generated, 'w', encoding='utf-8') as f:
        f.write('# Generated from config/trytond.conf by gov_server.configure'
            '; edit that file instead.\n')
        parser.write(f)
    os.environ['TRYTOND_CONFIG'] = str(generated)
    return str(generated)
