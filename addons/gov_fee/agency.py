# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The bank account of an agency, to which citizens transfer its fees
(R-FEE-2): the bank's NAPAS BIN (6 digits, the acquirer of a VietQR
code), the bank's name, the account number and its holder. The portal's
transfer page draws the VietQR code of a payment from them (vietqr.build)
and shows them in text to copy."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Bool, Eval

from .exceptions import FeeValidationError
from .vietqr import ACCOUNT_PATTERN, BIN_PATTERN

BANK_FIELDS = ('bank_bin', 'bank_name', 'bank_account', 'bank_account_holder')


class Agency(metaclass=PoolMeta):
    __name__ = 'gov.agency'

    bank_bin = fields.Char(
        "Bank BIN", size=6, strip=True,
        help="The NAPAS BIN of the bank holding the account (6 digits, "
        "e.g. 970415), written in the VietQR code of a transfer.")
    bank_name = fields.Char(
        "Bank", strip=True,
        states={'required': Bool(Eval('bank_bin'))},
        help="The bank's name as citizens know it, e.g. \"VietinBank — "
        "Chi nhánh Đắk Nông\".")
    bank_account = fields.Char(
        "Account Number", size=19, strip=True,
        states={'required': Bool(Eval('bank_bin'))},
        help="The account receiving the fees (letters and digits only).")
    bank_account_holder = fields.Char(
        "Account Holder", strip=True,
        states={'required': Bool(Eval('bank_bin'))},
        help="The name of the account's holder, as the bank shows it to "
        "the payer.")

    def get_bank_account(self):
        """dict(bin, bank, account, holder) when the agency publishes a
        complete account for transfers, else None."""
        if not (self.bank_bin and self.bank_account
                and self.bank_name and self.bank_account_holder):
            return None
        return {
            'bin': self.bank_bin,
            'bank': self.bank_name,
            'account': self.bank_account,
            'holder': self.bank_account_holder,
            }

    @classmethod
    def validate_fields(cls, agencies, field_names):
        super().validate_fields(agencies, field_names)
        if field_names and not (field_names & set(BANK_FIELDS)):
            return
        for agency in agencies:
            values = [getattr(agency, name) for name in BANK_FIELDS]
            if not any(values):
                continue
            if not all(values):
                raise FeeValidationError(gettext(
                        'gov_fee.msg_agency_bank_incomplete',
                        agency=agency.rec_name))
            if not BIN_PATTERN.fullmatch(agency.bank_bin):
                raise FeeValidationError(gettext(
                        'gov_fee.msg_agency_bank_bin',
                        agency=agency.rec_name, bin=agency.bank_bin))
            if not ACCOUNT_PATTERN.fullmatch(agency.bank_account):
                raise FeeValidationError(gettext(
                        'gov_fee.msg_agency_bank_account',
                        agency=agency.rec_name,
                        account=agency.bank_account))
