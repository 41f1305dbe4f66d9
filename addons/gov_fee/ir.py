# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta

# Scoped to the agencies whose dossiers the user sees.
AGENCY_SCOPED = {
    'gov.fee.payment', 'gov.fee.refund', 'gov.fee.statement.line'}


class Rule(metaclass=PoolMeta):
    """The record rules of payments, refunds and bank statement lines use
    Eval('dossier_agencies') as the dossiers' rule does: the user's agency
    subtree and the agencies its one-stop desks serve."""
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in AGENCY_SCOPED:
            context['dossier_agencies'] = cls._dossier_agencies()
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if AGENCY_SCOPED & set(model_names):
            key = (*key, cls._dossier_agencies())
        return key
