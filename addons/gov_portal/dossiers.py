# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the portal reads of gov_dossier, in one place. What the public
may read of a dossier, and the states and events in citizens' words, come
from the model (gov_dossier lookup.py: public_view, get_public_history,
public_state_labels), already in the reader's language; here only how
the pages show them."""
import base64
import functools
import io

# The colour of a state's badge.
BADGES = {
    'supplement': 'warn', 'rejected': 'err', 'result_ready': 'ok',
    'done': 'ok', 'suspended': 'warn',
    }
TIMELINESS = {'early': 'Trước hạn', 'on_time': 'Đúng hạn', 'late': 'Quá hạn'}
RETURN_METHODS = {
    'desk': 'Nhận tại Bộ phận Một cửa',
    'postal': 'Nhận qua dịch vụ bưu chính',
    'online': 'Nhận bản điện tử trên Cổng',
    }


def submitter_name(dossier):
    return dossier.submitter_name or dossier.applicant_name or (
        dossier.applicant.name if dossier.applicant else '')


@functools.lru_cache(maxsize=1024)
def qr_data_uri(text):
    """A QR code as a PNG data URI (no external service), one pixel a
    module: the page's style sheet draws it 10rem wide, pixelated. Drawn by
    zxing-cpp (C++): a QR code of qrcode (pure Python) took a third of a
    lookup's time (bench/). The same links are drawn again and again (the
    kiosk, a citizen's pages): cached."""
    import zxingcpp
    from PIL import Image
    image = zxingcpp.create_barcode(
        text, zxingcpp.BarcodeFormat.QRCode, ec_level='M').to_image()
    height, width = image.shape
    image = Image.frombuffer('L', (width, height), bytes(image),
        'raw', 'L', 0, 1).convert('1', dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format='PNG')
    return 'data:image/png;base64,' + base64.b64encode(
        buffer.getvalue()).decode()


def lookup_url(code, token=None):
    """The lookup page of a dossier: the link of its QR codes, at the
    portal's configured address (never the request's Host). With the
    QR token (which shows the submitter's name) only for those who may
    read it: the owner, or a visitor who typed the PIN."""
    from urllib.parse import quote, urlencode

    from gov_agency.public import public_url
    url = f"{public_url()}/tra-cuu/{quote(code or '', safe='')}"
    if token:
        url += '?' + urlencode({'t': token})
    return url
