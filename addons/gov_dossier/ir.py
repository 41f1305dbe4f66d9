# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gov.dossier|send_late_warnings',
                "Warn Unit Heads of Dossiers About to Be Late"))


# The models whose record rules read Eval('dossier_agencies'); other
# modules add theirs with scope_by_dossier_agencies().
DOSSIER_AGENCY_MODELS = {'gov.dossier'}


def scope_by_dossier_agencies(*model_names):
    """Let the record rules of these models use Eval('dossier_agencies'),
    as the dossiers' rule does (payments, shipments…)."""
    DOSSIER_AGENCY_MODELS.update(model_names)


class Rule(metaclass=PoolMeta):
    """Record rules may also use Eval('user_id'): the current user (postal
    staff see the dossiers they submitted for any agency), and, on
    dossiers and the models of DOSSIER_AGENCY_MODELS,
    Eval('dossier_agencies'): the user's agency subtree and the agencies
    its one-stop desks serve (routing.Agency.dossier_agencies)."""
    __name__ = 'ir.rule'

    @classmethod
    def _dossier_agencies(cls):
        pool = Pool()
        return pool.get('gov.agency').dossier_agencies(
            pool.get('res.user').get_agencies())

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['user_id'] = Transaction().user
        if model_name in DOSSIER_AGENCY_MODELS:
            context['dossier_agencies'] = cls._dossier_agencies()
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        key = (*key, Transaction().user)
        if DOSSIER_AGENCY_MODELS & set(model_names):
            key = (*key, cls._dossier_agencies())
        return key


class _ResourceExportMixin:
    """Tryton checks the access to the resource of an attachment or a note
    in read() but export_data() reads the fields directly: without this, any
    user could export the files attached to a dossier they cannot read
    (R-SEC-2)."""
    __slots__ = ()

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        cls.check_access([r.id for r in records], mode='read')
        return super().export_data(records, fields_names, header=header)


class Attachment(_ResourceExportMixin, metaclass=PoolMeta):
    __name__ = 'ir.attachment'


class Note(_ResourceExportMixin, metaclass=PoolMeta):
    __name__ = 'ir.note'
