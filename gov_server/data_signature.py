"""Demo material of the digital signatures (gov_signature, R-RES-3,
R-SEC-3): a clearly marked DEMO certification authority, made on this
machine at demo set-up, and the keys it certifies, written into the
signature folder (``[gov_signature] folder``, by default
``var/db/signature`` under ``make run``) — never committed:

- ``trust-roots/demo-root.pem``: the DEMO root, trusted by this demo
  server only;
- ``agency.p12``: the default key ("UBND tỉnh Đắk Nông (DEMO)");
- ``agencies/000.00.21.H16.p12``: the key of UBND thành phố Gia Nghĩa
  (DEMO), which signs the results of the city, its desk and its units.

Every name carries "DEMO" (the root: "không giá trị pháp lý", no legal
value), and README-DEMO.txt says so beside them. A
real province replaces them with its own (addons/gov_signature/doc).

Then the demo dossiers whose procedure promises a signed electronic
result and whose result is ready get a result PDF signed by their agency
(as the leader does with "Ký số thay mặt cơ quan"), so that the citizen's
"Kho kết quả" and /xac-thuc have something to show.

Idempotent: existing keys are kept; a dossier with a signed result is
left alone."""
import datetime as dt
from pathlib import Path

CITY = '000.00.21.H16'
README = (
    "DEMO: khóa và chứng thư số trong thư mục này do máy phát triển tự tạo "
    "khi dựng dữ liệu mẫu (gov_server/data_signature.py). Không có giá trị "
    "pháp lý; không dùng cho hệ thống thật.\n"
    "DEMO: keys and certificates made on this machine for the demo; no "
    "legal value; never use them in production.\n")
RESULT_HTML = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<style>body{{font-family:'DejaVu Sans',sans-serif;font-size:12pt;margin:2cm}}
h1{{font-size:15pt;text-align:center}} .demo{{color:#b00}}</style></head>
<body><p>{agency}</p><h1>KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h1>
<p>Thủ tục: {procedure}</p><p>Mã hồ sơ: {code}</p>
<p class="demo">Bản mẫu của hệ thống demo — không có giá trị pháp lý.</p>
</body></html>"""


def _write_keys(folder, password):
    from gov_signature.tests import pki
    from cryptography.hazmat.primitives.serialization import (
        NoEncryption, pkcs12)
    (folder / 'trust-roots').mkdir(parents=True, exist_ok=True)
    (folder / 'agencies').mkdir(exist_ok=True)
    root = pki.Authority('DEMO Root CA Đắk Nông - không giá trị pháp lý',
        days=3650)
    (folder / 'trust-roots' / 'demo-root.pem').write_bytes(root.pem)

    def bundle(name):
        key, cert = root.issue(f'{name} (DEMO)', f'{name} (DEMO)',
            not_after=dt.datetime.now(dt.timezone.utc)
            + dt.timedelta(days=3 * 365))
        if password:
            return pki.pkcs12_bundle(key, cert, root, password, name='demo')
        return pkcs12.serialize_key_and_certificates(
            b'demo', key, cert, [root.cert], NoEncryption())
    (folder / 'agency.p12').write_bytes(bundle('UBND tỉnh Đắk Nông'))
    (folder / 'agencies' / f'{CITY}.p12').write_bytes(
        bundle('UBND thành phố Gia Nghĩa'))
    (folder / 'README-DEMO.txt').write_text(README, encoding='utf-8')


def _result_pdf(dossier):
    from weasyprint import HTML
    return HTML(string=RESULT_HTML.format(agency=dossier.agency.name,
            procedure=dossier.procedure.name, code=dossier.code)).write_pdf()


def load_signature(pool):
    try:
        Document = pool.get('gov.dossier.document')
        Document._fields['result_code']
    except KeyError:
        return 'gov_signature not activated: nothing done'
    from gov_signature import signing
    Dossier = pool.get('gov.dossier')
    folder = signing.folder()
    made = 'kept'
    if not signing.pkcs12_path().is_file():
        _write_keys(Path(folder), signing.pkcs12_password())
        made = 'made'
    dossiers = Dossier.search([
            ('state', '=', 'result_ready'),
            ('procedure.result_type', 'in', ['electronic', 'both']),
            ], order=[('id', 'ASC')])
    signed = 0
    for dossier in dossiers:
        if dossier.signed_results():
            continue
        result, = Document.create([{'dossier': dossier.id,
                    'kind': 'result', 'name': 'ket-qua.pdf',
                    'data': _result_pdf(dossier)}])
        Document.sign([result])
        signed += 1
    return f'DEMO keys {made} in {folder}; {signed} results signed'
