# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Dossiers handled on paper while the system was down, entered
afterwards with their real dates (R-PROC-6)."""
from trytond.i18n import gettext

from .exceptions import DossierStateError, DossierWorkflowError
from .workflow import transition


class BackfillMixin:
    "The backfill button of gov.dossier."
    __slots__ = ()

    @classmethod
    @transition('backfill')
    def backfill(cls, dossiers, received_date=None, outcome='received',
            completed_date=None, returned_date=None, due_date=None,
            return_method=None, reason=None, *, external=False):
        """Enter a dossier handled on paper while the system was down, with
        its real dates (R-PROC-6): draft → received, and on to
        result_ready / done / rejected. The dates are the ones entered: the
        code uses the local day of received_date, the due date is computed
        from it (or taken as entered), the timeliness compares the entered
        completion date. Without a received date, opens the wizard."""
        now = cls._now()
        dates = [received_date, completed_date, returned_date]
        if outcome not in {'received', 'result_ready', 'done', 'rejected'}:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_outcome'))
        if any(d and d > now for d in dates):
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_future'))
        if outcome in {'result_ready', 'done'} and not completed_date:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_completed_required'))
        if outcome == 'done' and not returned_date:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_returned_required'))
        if outcome == 'rejected' and not (reason or '').strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        ordered = [d for d in dates if d]
        if ordered != sorted(ordered):
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_order'))
        for dossier in dossiers:
            if dossier.state != 'draft':
                raise DossierStateError(gettext(
                        'gov_dossier.msg_backfill_draft',
                        dossier=dossier.rec_name))
        note = gettext('gov_dossier.msg_backfill_note')
        if reason:
            note = '%s\n%s' % (note, reason)
        cls.write(list(dossiers), {'backfilled': True})
        # Each step at its own real date, with the note in the history.
        cls.receive(cls.browse(dossiers), at=received_date, backfill=note)
        dossiers = cls.browse(dossiers)
        if due_date:
            cls.write(dossiers, {'due_date': due_date})
            dossiers = cls.browse(dossiers)
        if outcome == 'rejected':
            cls.reject(dossiers, reason=reason,
                at=completed_date or received_date, backfill=note)
            return
        if outcome in {'result_ready', 'done'}:
            for dossier in dossiers:
                if dossier.state == 'received':
                    step = dossier._first_waiting_step()
                    if step:
                        cls.process([dossier], at=completed_date,
                            backfill=note)
            dossiers = cls.browse(dossiers)
            cls._result_ready(dossiers, date=completed_date, backfill=note)
            if outcome == 'done':
                dossiers = cls.browse(dossiers)
                if return_method:
                    cls.write(dossiers, {'return_method': return_method})
                cls._done(cls.browse(dossiers), date=returned_date,
                    backfill=note)
