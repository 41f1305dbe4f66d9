# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Helpers of the notification, report and scan tests."""
import io
import shutil
import subprocess
import tempfile
import unicodedata
from contextlib import contextmanager

import trytond.config as config

_MISSING = object()


def _remove(section, key):
    config._config.remove_option(section, key)
    config._cache_clear()


@contextmanager
def configured(section='gov', **options):
    "Set trytond configuration options for the duration of the block."
    if not config.has_section(section):
        config.add_section(section)
    saved = {}
    for key, value in options.items():
        saved[key] = (config.get(section, key)
            if key in config.options(section) else _MISSING)
        if value is None:
            _remove(section, key)
        else:
            config.set(section, key, str(value))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is _MISSING:
                _remove(section, key)
            else:
                config.set(section, key, value)


def dump(name, data):
    """Keep a copy of a generated document to look at it:
    GOV_REPORT_DUMP=/some/dir pytest … (then pdftoppm -png)."""
    import os
    directory = os.environ.get('GOV_REPORT_DUMP')
    if directory:
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, name), 'wb') as f:
            f.write(data)


def pdf_text(data):
    "The text of every page of a PDF, NFC-normalised, spaces collapsed."
    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = '\n'.join(page.extract_text() for page in reader.pages)
    text = unicodedata.normalize('NFC', text)
    return ' '.join(text.split())


def pdf_pages(data):
    import pypdf
    return pypdf.PdfReader(io.BytesIO(data)).pages


def pdf_to_images(data, resolution=150):
    "Render each page to a PIL image with poppler's pdftoppm."
    from PIL import Image
    if not shutil.which('pdftoppm'):
        raise RuntimeError(
            "pdftoppm is missing: apt-get install poppler-utils "
            "(scripts/bootstrap.sh does it with WITH_TEST=1)")
    with tempfile.TemporaryDirectory() as tmp:
        path = f'{tmp}/doc.pdf'
        with open(path, 'wb') as f:
            f.write(data)
        subprocess.run(
            ['pdftoppm', '-r', str(resolution), '-png', path, f'{tmp}/page'],
            check=True)
        images = []
        for name in sorted(shutil.os.listdir(tmp)):
            if name.endswith('.png'):
                with Image.open(f'{tmp}/{name}') as image:
                    images.append(image.copy())
        return images


def decode_qr(image):
    "The texts of the QR codes found in a PIL image (zxing-cpp)."
    import zxingcpp
    return [r.text for r in zxingcpp.read_barcodes(image)
        if r.format == zxingcpp.BarcodeFormat.QRCode]


def load_vietnamese(modules=('gov_agency', 'gov_procedure', 'gov_dossier')):
    """Import the Vietnamese catalogues of the modules, as trytond-admin -l
    vi does (gov_server.setup_db): the printed forms and what applicants
    are told are read in Vietnamese (gov_agency.l10n.LANGUAGE)."""
    import importlib
    from pathlib import Path

    from trytond.pool import Pool
    Translation = Pool().get('ir.translation')
    for module in modules:
        package = Path(importlib.import_module(module).__file__).parent
        Translation.translation_import(
            'vi', module, [str(package / 'locale' / 'vi.po')])
