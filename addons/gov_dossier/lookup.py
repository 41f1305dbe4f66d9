# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The public lookup of a dossier by its code (R-LOOK-1, R-LOOK-2): which
dossier a code finds and who may read the submitter's name.

The PIN (6 digits) of a dossier is locked, whatever the address it comes
from, after `[gov] lookup_pin_attempts` wrong PINs (5) within `[gov]
lookup_pin_lock_minutes` (15): the per-address limit of the portal alone
lets many addresses share the million guesses. While locked even the right
PIN is refused (facts.pin_locked); the QR token and the owner's account
still show the name."""
import datetime as dt
import hmac
import random
from types import SimpleNamespace

from sql.aggregate import Count
from sql.functions import Upper

from trytond import backend, config
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from gov_agency.sql_text import Value, bind, sql_text

# Events whose reason the citizen reads (R-NOT-1: what to add and why, why
# refused); the reasons of internal events (sent back…) stay internal.
PUBLIC_REASON_EVENTS = {
    'supplement', 'rejected', 'withdrawn', 'suspended', 'resumed'}
# Share of the wrong PINs that also delete the failures of the past.
PURGE_PROBABILITY = 0.05


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class PinFailure(ModelSQL):
    """A wrong PIN typed in the public lookup for a dossier: counted per
    dossier to lock its PIN check (lookup_facts). A plain integer, not a
    foreign key: the row costs one insert and never waits on the dossier."""
    __name__ = 'gov.dossier.pin.failure'
    __string__ = "Dossier Lookup Wrong PIN"

    dossier = fields.Integer("Dossier", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.dossier, Index.Equality()),
                    (t.create_date, Index.Range())),
                Index(t, (t.create_date, Index.Range())),
                })

    @classmethod
    def attempts(cls):
        return config.getint('gov', 'lookup_pin_attempts', default=5)

    @classmethod
    def lock_time(cls):
        return dt.timedelta(minutes=config.getint(
                'gov', 'lookup_pin_lock_minutes', default=15))

    @classmethod
    def add(cls, dossier):
        "Record a wrong PIN for the dossier (id): one statement."
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = utcnow()
        if random.random() < PURGE_PROBABILITY:
            cls.purge(now - cls.lock_time())
        cursor.execute(*table.insert(
                [table.dossier, table.create_date, table.create_uid],
                [[dossier, now, Transaction().user]]))

    @classmethod
    def purge(cls, before):
        """Delete the failures older than before, in a savepoint on
        PostgreSQL: two lookups purging at once would otherwise fail one
        of them; the next purge removes what this one skipped."""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        delete = table.delete(where=table.create_date < before)
        if backend.name != 'postgresql':
            cursor.execute(*delete)
            return
        cursor.execute('SAVEPOINT gov_dossier_pin_purge')
        try:
            cursor.execute(*delete)
        except backend.DatabaseOperationalError:
            cursor.execute('ROLLBACK TO SAVEPOINT gov_dossier_pin_purge')
        else:
            cursor.execute('RELEASE SAVEPOINT gov_dossier_pin_purge')


class PublicLookupMixin:
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The lookup compares codes in capitals (normalize_code).
        cls._sql_indexes.add(
            Index(t, (Upper(t.code), Index.Equality(cardinality='high'))))

    @staticmethod
    def normalize_code(value):
        """A dossier code as typed, ready to look up: without spaces
        (around it or inside, as a phone keyboard adds them) and in
        capitals, since codes are compared in capitals: typed
        "000.30.21.h16-261206-0001 " it finds 000.30.21.H16-261206-0001."""
        return ''.join(str(value or '').split()).upper()[:64]

    @classmethod
    def lookup(cls, code, pin=None):
        """Public lookup by code. Returns (dossier, full): full is True
        when the PIN matches, and only then may personal data be shown
        (get_public_status(full=True)). Drafts are never found."""
        facts, full = cls.lookup_facts(code, pin=pin)
        return (cls(facts.id) if facts else None), full

    @classmethod
    def lookup_facts(cls, code, pin=None, token=None, web_user=None):
        """(facts, full) for a code (in any case, with spaces: see
        normalize_code), facts None when no dossier (but a draft) has it;
        full when the visitor may read the submitter's name — owner, right
        PIN, or QR token of this dossier. facts.received_date is the date
        the public reads as received (public_received_date).

        The busiest public page (R-LOOK-1), so one SQL query reads the
        dossier with the names of its procedure, agency, unit and step
        instead of a read per record (and per translated name): measured
        by bench/."""
        code = cls.normalize_code(code)
        if not code:
            return None, False
        Failure = Pool().get('gov.dossier.pin.failure')
        cursor = Transaction().connection.cursor()
        if pin:
            # The same query, counting the dossier's recent wrong PINs.
            sql, params = sql_text('gov.dossier.lookup.pin',
                lambda: cls._lookup_query(pin_failures=True))
            cursor.execute(sql, bind(params, code=code,
                    since=utcnow() - Failure.lock_time()))
        else:
            sql, params = sql_text('gov.dossier.lookup', cls._lookup_query)
            cursor.execute(sql, bind(params, code=code))
        row = cursor.fetchone()
        if row is None:
            return None, False
        facts = SimpleNamespace(
            **dict(zip((c[0] for c in cursor.description), row)))
        full = facts.pin_locked = False
        if pin:
            failures = facts.pin_failures or 0
            if failures >= Failure.attempts():
                facts.pin_locked = True
            elif hmac.compare_digest(
                    str(pin).strip().encode(), (facts.pin or '').encode()):
                full = True
            else:
                Failure.add(facts.id)
                facts.pin_locked = failures + 1 >= Failure.attempts()
        if not full and token:
            full = hmac.compare_digest(
                str(token).encode(), (facts.qr_token or '').encode())
        if not full and web_user is not None:
            full = facts.web_user == web_user.id
        facts.received_date = cls.public_received_date(
            facts.received_date, facts.submitted_date)
        cls._translate_lookup_names(facts)
        facts.supplement_components = []
        if facts.state == 'supplement':
            facts.supplement_components = [
                c.name for c in cls(facts.id).supplement_components]
        return facts, full

    @classmethod
    def _lookup_query(cls, pin_failures=False):
        """The non-draft dossier of Value('code') with the names shown;
        with pin_failures, its wrong PINs since Value('since') too."""
        pool = Pool()
        dossier = cls.__table__()
        procedure = pool.get('gov.procedure').__table__()
        agency = pool.get('gov.agency').__table__()
        unit = pool.get('gov.agency').__table__()
        step = pool.get('gov.dossier.step').__table__()
        party = pool.get('party.party').__table__()
        columns = []
        if pin_failures:
            failure = pool.get('gov.dossier.pin.failure').__table__()
            columns.append(failure.select(Count(failure.id),
                    where=(failure.dossier == dossier.id)
                    & (failure.create_date >= Value('since'))
                    ).as_('pin_failures'))
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
                dossier.rejection_reason, *columns,
                where=(Upper(dossier.code) == Value('code'))
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

    @classmethod
    def lookup_token(cls, token):
        "The dossier of a QR token (the QR code is printed on the receipt)."
        if not token or len(token) < 16:
            return None
        dossiers = cls.search([
                ('qr_token', '=', token),
                ('state', '!=', 'draft'),
                ], limit=1)
        return dossiers[0] if dossiers else None

    def get_public_status(self, full=False):
        """What the public lookup shows (R-LOOK-2, Điều 16): without the
        PIN, no personal data and no text typed by an officer; an invalid
        online dossier shows no unit nor appointment but what must be
        supplemented."""
        invalid = self.state == 'supplement'
        status = {
            'code': self.code,
            'state': self.state,
            'state_string': self.state_string,
            'agency': self.agency.rec_name,
            'procedure': self.procedure.rec_name,
            'received_date': self.public_received_date(
                self.received_date, self.submitted_date),
            'submitted_date': self.submitted_date,
            'due_date': None if invalid else self.due_date,
            'unit': (None if invalid or not self.current_unit
                else self.current_unit.rec_name),
            'completed_date': self.completed_date,
            }
        if invalid:
            # Điều 16.2: what to supplement or correct is part of the
            # public lookup: the components ticked by the officer; the
            # officer's own words only with the PIN (R-SEC-2).
            status['supplement_components'] = [
                c.name for c in self.supplement_components]
            if full:
                status['supplement_reason'] = self.supplement_reason
        if full:
            status['applicant_name'] = self.submitter_name or (
                self.applicant_name)
            status['organisation'] = (self.applicant_name
                if self.applicant_kind == 'organisation' else None)
            if self.state == 'rejected':
                status['rejection_reason'] = self.rejection_reason
        return status

    def get_public_history(self):
        """The audit history as the citizen sees it: dates, events, states
        and units, without officers' names or internal reasons."""
        result = []
        for entry in self.history:
            if not entry.public:
                continue
            result.append({
                    'date': entry.date,
                    'event': entry.event,
                    'event_string': entry.event_string,
                    'state': entry.to_state,
                    'state_string': entry.to_state_string,
                    'unit': entry.unit.rec_name if entry.unit else None,
                    'reason': (entry.reason
                        if entry.event in PUBLIC_REASON_EVENTS else None),
                    })
        return result
