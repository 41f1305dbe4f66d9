# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the applicant is told about her own dossier, computed here once
for the portal, the notifications and the printed documents:

- what she declared: the eForm values under their labels (R-CAT-4);
- what she pays: the procedure's fee lines for the quantities she asked
  for (R-FEE-1);
- what to expect: when the completeness check of an online dossier will be
  done and the appointment date if it is found complete (R-NOT-1,
  R-PROC-2), with the working calendar of gov_agency;
- the components she must send: online, not those the eForm replaces
  (R-SUB-4)."""
from decimal import Decimal

from trytond import config
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .exceptions import DossierAccessError


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    def declared_values(self):
        "(label, text) of the eForm values, in the form's order."
        return self.procedure.format_form_data(dict(self.form_data or {}))

    def fee_lines(self, payment_time=None):
        "The procedure's fee lines for this dossier's eForm data."
        return self.procedure.fee_lines(
            dict(self.form_data or {}), payment_time)

    def total_fee(self, payment_time=None):
        "What the applicant pays, in đồng, for the quantities she asked."
        return self.procedure.total_fee(
            payment_time, data=dict(self.form_data or {}))

    def missing_components(self):
        """The components that need a file in this dossier's channel and
        have none (Component.required_for)."""
        present = {d.component.id for d in self.documents
            if d.component and d.kind == 'component'}
        return [c for c in self.procedure.components
            if c.required_for(self.channel) and c.id not in present]

    @classmethod
    def check_days(cls):
        """Working days within which a dossier submitted online is checked
        for completeness (`[gov] notification_check_days`, 1)."""
        return config.getint('gov', 'notification_check_days', default=1)

    def expected_check_date(self, submitted=None):
        """The day by which a dossier submitted (at submitted, by default
        its submission) is checked: add_working_days(submitted,
        check_days)."""
        Calendar = Pool().get('gov.calendar')
        return Calendar.add_working_days(submitted or self.submitted_date,
            self.check_days(), self.agency)

    def expected_dates(self):
        """What the applicant may expect, as a dict:

        - check_days, check_date: the completeness check of a dossier
          waiting for it (submitted), add_working_days(submission,
          check_days);
        - due_date: the appointment date (ngày hẹn trả) — the dossier's own
          once received; for a submitted dossier the one its reception
          would give (an online dossier is received as of its submission,
          see receive), so estimated is True;
        - estimated: whether due_date is such an estimate."""
        Calendar = Pool().get('gov.calendar')
        result = {'check_days': None, 'check_date': None,
            'due_date': self.due_date, 'estimated': False}
        if self.state != 'submitted' or not self.submitted_date:
            return result
        result['check_days'] = self.check_days()
        result['check_date'] = self.expected_check_date()
        days = self.procedure.dossier_days()
        if not self.due_date and days is not None:
            result['due_date'] = Calendar.add_working_days(
                self.submitted_date, Decimal(days), self.agency)
            result['estimated'] = True
        return result

    @staticmethod
    def public_received_date(received_date, submitted_date):
        """The date the public lookup and the owner read as "received": the
        reception, or for a dossier waiting for it the submission, which is
        when an online dossier reached the agency (receive keeps it)."""
        return received_date or submitted_date

    # ---------------------------------------------- the citizen's own
    @classmethod
    def search_owned(cls, web_user, domain=None, **kwargs):
        """The dossiers of a portal account (web.user). Portal routes use
        it instead of a free search: a citizen only reaches their own
        dossiers (R-AG-3)."""
        if not web_user:
            return []
        return cls.search(
            [('web_user', '=', int(web_user))] + list(domain or []),
            **kwargs)

    def check_owner(self, web_user):
        "Raise DossierAccessError unless web_user owns the dossier."
        if (not web_user or not self.web_user
                or self.web_user.id != int(web_user)):
            raise DossierAccessError(gettext(
                    'gov_dossier.msg_dossier_not_owner'))

    @classmethod
    def portal_submit(cls, dossiers, web_user, values=None):
        """Submit the citizen's own dossiers from the portal (the route
        runs as root): ownership is checked, the history records the web
        user; values ({dossier id: values}) are written with the
        transition."""
        for dossier in dossiers:
            dossier.check_owner(web_user)
        cls.submit(dossiers, web_user=int(web_user), values=values)

    @classmethod
    def portal_withdraw(cls, dossiers, web_user, reason=None, at=None):
        """Withdraw the citizen's own dossiers from the portal, where the
        workflow allows it (allowed('withdraw', web_user))."""
        for dossier in dossiers:
            dossier.check_owner(web_user)
        cls.withdraw(dossiers, reason=reason or '', at=at,
            web_user=int(web_user))
