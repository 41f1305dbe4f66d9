# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the server trusts, from ``[gov_signature]`` of trytond.conf:

``<folder>/trust-roots/*.pem`` and ``trust_roots``
    PEM files (one or several certificates each), separated by commas or
    new lines: the Vietnamese national root CA (Root CA of the Ministry of
    Information and Communications / NEAC) and the roots of the accredited
    public CAs (VNPT-CA, Viettel-CA, BkavCA, FPT-CA…), and the government's
    own CA (Ban Cơ yếu Chính phủ) for agencies' signatures;
``<folder>/crls/*`` and ``crl_files``
    CRLs (DER or PEM) given locally, e.g. downloaded daily by a cron job
    of the host;
``allow_fetching``
    ``True`` to fetch CRLs and OCSP answers from the certificates'
    addresses when verifying ("revocation where reachable"); off by
    default (no outbound traffic without being told)."""
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem as asn1_pem

from .signing import folder, setting
from .verification import load_certificates, verify_pdf


def _paths(value):
    return [p.strip() for p in (value or '').replace('\n', ',').split(',')
        if p.strip()]


def _files(option, subfolder):
    "The files of an option and of the folder's subfolder."
    paths = [Path(p) for p in _paths(setting(option))]
    directory = folder() / subfolder
    if directory.is_dir():
        paths.extend(sorted(p for p in directory.iterdir() if p.is_file()))
    return paths


def trust_roots():
    roots = []
    for path in _files('trust_roots', 'trust-roots'):
        if path.is_file():
            roots.extend(load_certificates(path.read_bytes()))
    return roots


def local_crls():
    crls = []
    for path in _files('crl_files', 'crls'):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if asn1_pem.detect(data):
            crls.extend(asn1_crl.CertificateList.load(der)
                for _, _, der in asn1_pem.unarmor(data, multiple=True))
        else:
            crls.append(asn1_crl.CertificateList.load(data))
    return crls


def allow_fetching():
    return str(setting('allow_fetching', 'False')).lower() in {
        '1', 'true', 'yes', 'on'}


def verify(data, moment=None):
    """verify_pdf with the configured trust (verification.FileReport);
    moment: the signing time the server recorded, if it signed."""
    return verify_pdf(data, trust_roots(), local_crls(), allow_fetching(),
        moment=moment)
