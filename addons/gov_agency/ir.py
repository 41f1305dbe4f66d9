# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Rule(metaclass=PoolMeta):
    """Record rules may use Eval('agencies'): the ids of the user's agencies
    and their sub-units. A model scoped to agencies declares a rule such as
    [('agency', 'in', Eval('agencies', []))] for the staff groups."""
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['agencies'] = Pool().get('res.user').get_agencies()
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, Pool().get('res.user').get_agencies())
