# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The history events of files: their fingerprint when stored and when
signed, and a failed integrity check (R-SEC-1). Internal: not in the
citizen's history."""
from trytond.pool import PoolMeta

from .document import FILE_ALTERED, FILE_STORED, RESULT_SIGNED


class DossierHistory(metaclass=PoolMeta):
    __name__ = 'gov.dossier.history'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.event.selection.extend([
                (FILE_STORED, "File Stored (SHA-256)"),
                (RESULT_SIGNED, "Result Signed"),
                (FILE_ALTERED, "Stored File Altered"),
                ])
