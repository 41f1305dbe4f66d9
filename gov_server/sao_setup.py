"""Prepare the installed sao for this project (run by scripts/bootstrap.sh).

Writes sao's custom.js / custom.css hooks and compiles the Vietnamese
catalogue i18n/sao/vi.po into the JSON file sao loads (locale/vi.json).
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(sao_dir):
    sao = Path(sao_dir)
    custom = ROOT / 'gov_server' / 'sao'
    for name in ('custom.js', 'custom.css'):
        source = custom / name
        if source.exists():
            (sao / name).write_text(source.read_text(encoding='utf-8'),
                encoding='utf-8')
    po = ROOT / 'i18n' / 'sao' / 'vi.po'
    if po.exists():
        from gov_server.po2json import po_to_gettext_json
        (sao / 'locale' / 'vi.json').write_text(
            po_to_gettext_json(po, 'vi'), encoding='utf-8')


if __name__ == '__main__':
    main(sys.argv[1])
