"""Install sao's Vietnamese catalogue and settings (run by bootstrap).

- i18n/sao/vi.po is compiled into the JSON catalogue sao loads;
- gov_server/sao/custom.js|css are sao's documented customisation hooks.
The framework modules' catalogues (i18n/<module>/vi.po) are loaded into the
database by gov_server.translations at every set-up.
"""
import shutil
import sys
from pathlib import Path

from gov_server.po2json import po_to_gettext_json

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / 'i18n'


def install_sao(sao_dir):
    sao = Path(sao_dir)
    for name in ('custom.js', 'custom.css'):
        shutil.copyfile(ROOT / 'gov_server' / 'sao' / name, sao / name)
    po = I18N / 'sao' / 'vi.po'
    if po.exists():
        (sao / 'locale' / 'vi.json').write_text(
            po_to_gettext_json(po, 'vi'), encoding='utf-8')


def main(sao_dir):
    install_sao(sao_dir)


if __name__ == '__main__':
    main(sys.argv[1])
