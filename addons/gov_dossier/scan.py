# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Malware scan of uploaded files (R-SUB-7) before any officer opens them.

Every file that reaches a dossier passes through
``gov.dossier.document.check_upload`` (size and type, then this scan); an
infected file is refused with a message naming the file and the signature,
and nothing is stored.

Scanners, chosen in the trytond configuration:

``[gov] clamd_socket``
    The ClamAV daemon (Debian: ``apt-get install clamav-daemon``, then
    ``freshclam`` for the signatures). Either the path of its Unix socket
    (Debian: ``/var/run/clamav/clamd.ctl``) or ``tcp://host:3310``. Files
    are streamed with the INSTREAM command; keep clamd's
    ``StreamMaxLength`` above the upload limit of the dossier
    configuration. ``[gov] clamd_timeout`` (seconds, 60).

``[gov] malware_scanner``
    ``clamd`` (the default when ``clamd_socket`` is set), ``eicar`` (the
    default otherwise) or ``none``. ``eicar`` is a stand-in that only
    recognises the EICAR anti-virus test string: it proves the refusal path
    end to end on machines without ClamAV but protects from nothing — set up
    clamd in production.

``[gov] malware_scan_fail_open``
    When the scanner cannot be reached the upload is refused ("try again
    later") unless this is ``True``.

ClamAV needs signatures to detect anything; this project's machines reach no
signature mirror, so the tests run the real Debian clamd with a one-line
local signature database for EICAR (see tests/test_scan.py).
"""
import logging
import socket
import struct
from typing import NamedTuple

import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import PoolMeta

from .exceptions import UploadError

logger = logging.getLogger(__name__)

# The EICAR anti-virus test file (https://www.eicar.org), split so that this
# source file itself is not flagged by a scanner.
EICAR = (b'X5O!P%@AP[4\\PZX54(P^)7CC)7}$'
    b'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*')
CHUNK = 64 * 1024


class ScanResult(NamedTuple):
    infected: bool
    signature: str = None
    engine: str = None


class ScannerUnavailable(Exception):
    "The scanner could not give an answer."


class EicarScanner:
    """Stand-in scanner: recognises only the EICAR test string (anywhere in
    the file). Documented as such; not a protection."""
    name = 'eicar'

    def scan(self, data):
        if EICAR in data:
            return ScanResult(True, 'Eicar-Test-Signature', self.name)
        return ScanResult(False, None, self.name)


class NoScanner:
    name = 'none'

    def scan(self, data):
        return ScanResult(False, None, self.name)


class ClamdScanner:
    "ClamAV's clamd over its Unix or TCP socket (INSTREAM command)."
    name = 'clamd'

    def __init__(self, address, timeout=60):
        self.address = address
        self.timeout = timeout

    def _connect(self):
        address = self.address
        if address.startswith('tcp://'):
            host, _, port = address[len('tcp://'):].rpartition(':')
            sock = socket.create_connection(
                (host or '127.0.0.1', int(port or 3310)),
                timeout=self.timeout)
        else:
            if address.startswith('unix://'):
                address = address[len('unix://'):]
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(address)
        return sock

    def _command(self, payload_chunks, command):
        try:
            with self._connect() as sock:
                sock.sendall(b'z' + command + b'\0')
                for chunk in payload_chunks:
                    sock.sendall(chunk)
                reply = b''
                while not reply.endswith(b'\0'):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self.address}: {error}")
        return reply.rstrip(b'\0').decode('utf-8', 'replace').strip()

    def ping(self):
        return self._command([], b'PING') == 'PONG'

    def scan(self, data):
        def chunks():
            for i in range(0, len(data), CHUNK):
                part = data[i:i + CHUNK]
                yield struct.pack('!L', len(part)) + part
            yield struct.pack('!L', 0)
        reply = self._command(chunks(), b'INSTREAM')
        # "stream: OK", "stream: <signature> FOUND", "<message> ERROR"
        _, _, status = reply.partition(': ')
        if reply.endswith(' FOUND'):
            return ScanResult(True, status[:-len(' FOUND')].strip(), self.name)
        if status == 'OK':
            return ScanResult(False, None, self.name)
        raise ScannerUnavailable(f"clamd at {self.address}: {reply}")


def get_scanner():
    "The scanner chosen by the configuration."
    clamd_socket = config.get('gov', 'clamd_socket', default=None)
    name = config.get(
        'gov', 'malware_scanner',
        default='clamd' if clamd_socket else 'eicar')
    if name == 'clamd':
        if not clamd_socket:
            raise ScannerUnavailable("[gov] clamd_socket is not configured")
        return ClamdScanner(
            clamd_socket,
            timeout=config.getfloat('gov', 'clamd_timeout', default=60))
    if name == 'none':
        return NoScanner()
    return EicarScanner()


def scan_upload(filename, data):
    """Raise UploadError when the file is infected or, unless configured to
    fail open, when it could not be scanned."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    data = bytes(data or b'')
    try:
        result = get_scanner().scan(data)
    except ScannerUnavailable as error:
        logger.error("malware scan of %s failed: %s", filename, error)
        if config.getboolean(
                'gov', 'malware_scan_fail_open', default=False):
            return ScanResult(False, None, None)
        raise UploadError(gettext(
                'gov_dossier.msg_upload_scan_unavailable',
                filename=filename))
    if result.infected:
        logger.warning(
            "upload %s refused: %s (%s)", filename, result.signature,
            result.engine)
        raise UploadError(gettext(
                'gov_dossier.msg_upload_infected',
                filename=filename, signature=result.signature))
    return result


class Document(metaclass=PoolMeta):
    __name__ = 'gov.dossier.document'

    @classmethod
    def check_upload(cls, filename, data, *args, **kwargs):
        result = super().check_upload(filename, data, *args, **kwargs)
        if data is not None:
            scan_upload(filename, data)
        return result
