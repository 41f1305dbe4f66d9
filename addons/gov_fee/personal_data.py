# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The payments of a citizen's dossiers in "Dữ liệu của tôi" (R-SEC-5),
through gov_portal's extension point web.user.personal_data()."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from gov_portal.personal_data import rows

PAYMENT_FIELDS = ['dossier', 'agency', 'method', 'amount', 'currency',
    'state', 'payer_name', 'paid_date', 'receipt_number', 'order_code']


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    def personal_data(self):
        Payment = Pool().get('gov.fee.payment')
        sections = super().personal_data()
        with without_check_access():
            payments = Payment.search(
                [('dossier.web_user', '=', self.id)],
                order=[('create_date', 'ASC'), ('id', 'ASC')])
            sections.append(('payments', 'gov.fee.payment',
                    rows(payments, PAYMENT_FIELDS)))
        return sections
