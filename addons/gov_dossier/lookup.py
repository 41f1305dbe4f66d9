# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The public lookup of a dossier by its code (R-LOOK-1, R-LOOK-2): which
dossier a code finds and who may read the submitter's name."""
import hmac
from types import SimpleNamespace

from trytond.pool import Pool
from trytond.transaction import Transaction

from gov_agency.sql_text import Value, bind, sql_text


class PublicLookupMixin:
    __slots__ = ()

    @classmethod
    def lookup(cls, code, pin=None):
        """Public lookup by code. Returns (dossier, full): full is True
        when the PIN matches, and only then may personal data be shown
        (get_public_status(full=True)). Drafts are never found."""
        facts, full = cls.lookup_facts(code, pin=pin)
        return (cls(facts.id) if facts else None), full

    @classmethod
    def lookup_facts(cls, code, pin=None, token=None, web_user=None):
        """(facts, full) for a code, facts None when no dossier (but a
        draft) has it; full when the visitor may read the submitter's name
        — owner, right PIN, or QR token of this dossier.

        The busiest public page (R-LOOK-1), so one SQL query reads the
        dossier with the names of its procedure, agency, unit and step
        instead of a read per record (and per translated name): measured
        by bench/."""
        code = (code or '').strip()
        if not code:
            return None, False
        sql, params = sql_text('gov.dossier.lookup', cls._lookup_query)
        cursor = Transaction().connection.cursor()
        cursor.execute(sql, bind(params, code=code))
        row = cursor.fetchone()
        if row is None:
            return None, False
        facts = SimpleNamespace(
            **dict(zip((c[0] for c in cursor.description), row)))
        full = bool(pin) and hmac.compare_digest(
            str(pin).strip().encode(), (facts.pin or '').encode())
        if not full and token:
            full = hmac.compare_digest(
                str(token).encode(), (facts.qr_token or '').encode())
        if not full and web_user is not None:
            full = facts.web_user == web_user.id
        cls._translate_lookup_names(facts)
        facts.supplement_components = []
        if facts.state == 'supplement':
            facts.supplement_components = [
                c.name for c in cls(facts.id).supplement_components]
        return facts, full

    @classmethod
    def _lookup_query(cls):
        "The non-draft dossier of Value('code') with the names shown."
        pool = Pool()
        dossier = cls.__table__()
        procedure = pool.get('gov.procedure').__table__()
        agency = pool.get('gov.agency').__table__()
        unit = pool.get('gov.agency').__table__()
        step = pool.get('gov.dossier.step').__table__()
        party = pool.get('party.party').__table__()
        return (dossier
            .join(procedure, condition=procedure.id == dossier.procedure)
            .join(agency, condition=agency.id == dossier.agency)
            .join(unit, 'LEFT', condition=unit.id == dossier.current_unit)
            .join(step, 'LEFT', condition=step.id == dossier.current_step)
            .join(party, 'LEFT', condition=party.id == dossier.applicant)
            .select(dossier.id, dossier.code, dossier.state, dossier.pin,
                dossier.qr_token, dossier.web_user, dossier.submitter_name,
                dossier.applicant_name, dossier.applicant_kind,
                party.name.as_('party_name'),
                procedure.id.as_('procedure'),
                procedure.name.as_('procedure_name'),
                agency.id.as_('agency'), agency.name.as_('agency_name'),
                unit.id.as_('unit'), unit.name.as_('unit_name'),
                step.name.as_('step_name'),
                dossier.received_date, dossier.submitted_date,
                dossier.due_date, dossier.supplement_reason,
                dossier.rejection_reason,
                where=(dossier.code == Value('code'))
                & (dossier.state != 'draft'),
                limit=1))

    @classmethod
    def _translate_lookup_names(cls, facts):
        """The names in the reader's language when it is not the one the
        records are written in (English portal): through the ORM, which
        reads ir.translation."""
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        if Transaction().language == Configuration.get_language():
            return
        Procedure = pool.get('gov.procedure')
        Agency = pool.get('gov.agency')
        facts.procedure_name = Procedure(facts.procedure).name
        facts.agency_name = Agency(facts.agency).name
        if facts.unit:
            facts.unit_name = Agency(facts.unit).name
