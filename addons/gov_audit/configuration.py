# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""How long the audit log is kept (R-OPS-3).

Nghị định 53/2022/NĐ-CP asks at least 12 months for the logs of a state
information system: a shorter retention is refused, in the settings and in
the configuration file ([gov_audit] retention_months, the default of the
settings; 24 months when absent)."""
from trytond.config import config
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import RetentionConfigError, RetentionError

MIN_RETENTION_MONTHS = 12
DEFAULT_RETENTION_MONTHS = 24


def configured_months():
    "[gov_audit] retention_months of trytond.conf, else 24."
    return config.getint('gov_audit', 'retention_months',
        default=DEFAULT_RETENTION_MONTHS)


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Settings of the audit log."
    __name__ = 'gov.audit.configuration'
    __string__ = "Audit Log Configuration"

    retention_months = fields.Integer("Retention (Months)", required=True,
        help="Events older than this are deleted every night. "
        "At least 12 months (Decree 53/2022/ND-CP).")

    @classmethod
    def default_retention_months(cls):
        return configured_months()

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and 'retention_months' not in field_names:
            return
        for record in records:
            if (record.retention_months or 0) < MIN_RETENTION_MONTHS:
                raise RetentionError(gettext(
                        'gov_audit.msg_retention_minimum',
                        months=record.retention_months,
                        minimum=MIN_RETENTION_MONTHS))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        # Shortening the retention deletes evidence: it is itself audited.
        if mode == 'delete' or (field_names is not None
                and 'retention_months' not in field_names):
            return
        Event = Pool().get('gov.audit.event')
        for record in records:
            Event.log('audit_settings', user=Transaction().user or None,
                model=cls.__name__, records=[record],
                details='retention_months=%s' % record.retention_months)

    @classmethod
    def retention_in_force(cls):
        """The retention in force: the settings, else the configuration
        file. Refused (error, nothing deleted) below 12 months."""
        # The stored settings, not a read of the singleton: its defaults
        # are cached by the transaction.
        singleton = cls.get_singleton()
        months = singleton.retention_months if singleton else None
        if months is None:
            months = configured_months()
        if months < MIN_RETENTION_MONTHS:
            raise RetentionConfigError(gettext(
                    'gov_audit.msg_retention_minimum',
                    months=months, minimum=MIN_RETENTION_MONTHS))
        return months
