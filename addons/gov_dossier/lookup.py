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
still show the name.

What the public may read of a dossier is decided here once (Điều 16,
R-LOOK-2, R-LOOK-3): `public_view` for the lookup, the kiosk and the
owner's page, `get_public_history` for its history. The states and events
are worded for citizens (PUBLIC_STATES, PUBLIC_EVENTS: selections of
gov.dossier and gov.dossier.history, translated as any other) in the
reader's language, the language of the transaction."""
import datetime as dt
import hmac
import random
import unicodedata
from types import SimpleNamespace

from sql.aggregate import Count
from sql.functions import Upper

from trytond import backend, config
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from gov_agency.sql_text import Value, bind, sql_text

# Events whose reason the citizen reads (R-NOT-1: what to add and why, why
# refused); the reasons of internal events (sent back…) stay internal.
PUBLIC_REASON_EVENTS = {
    'supplement', 'rejected', 'withdrawn', 'suspended', 'resumed'}
# The states and the events in the words citizens read (the portal, the
# kiosk); the back office keeps the shorter labels of `state` and `event`.
PUBLIC_STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted, waiting for receipt"),
    ('received', "Received, complete"),
    ('supplement', "Supplement requested"),
    ('rejected', "Rejected"),
    ('processing', "Processing"),
    ('result_ready', "Result ready"),
    ('done', "Completed"),
    ('withdrawn', "Withdrawn"),
    ('suspended', "Suspended"),
    ]
PUBLIC_EVENTS = [
    ('submitted', "Submit online"),
    ('received', "Dossier received"),
    ('supplement', "Supplement requested"),
    ('rejected', "Rejected"),
    ('processing', "Processing started"),
    ('forwarded', "Forwarded to the next step"),
    ('returned_step', "Sent back a step"),
    ('transferred', "Transferred to a cooperating agency"),
    ('result_ready', "Result ready"),
    ('done', "Result returned"),
    ('withdrawn', "Withdraw the dossier"),
    ('suspended', "Suspended"),
    ('resumed', "Processing resumed"),
    ('late_warning', "Due soon"),
    ]
# Share of the wrong PINs that also delete the failures of the past.
PURGE_PROBABILITY = 0.05


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def mask_name(name):
    """A name as a stranger reads it (R-LOOK-2, R-SEC-2): the first word,
    then the initials: "Nguyễn Văn An" → "Nguyễn V** A**"."""
    words = (name or '').split()
    if not words:
        return ''
    return ' '.join([words[0]] + [w[0] + '**' for w in words[1:]])


def selection_labels(Model, name):
    "{value: label} of a selection field in the transaction's language."
    return dict(Model.fields_get([name])[name]['selection'])


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
    public_state = fields.Function(fields.Selection(
            PUBLIC_STATES, "Public State", sort=False,
            help="The state in the words of the public lookup."),
        'get_public_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The lookup compares codes in capitals (normalize_code).
        cls._sql_indexes.add(
            Index(t, (Upper(t.code), Index.Equality(cardinality='high'))))

    def get_public_state(self, name):
        return self.state

    @classmethod
    def public_state_labels(cls):
        "{state: label} as citizens read them, in the reader's language."
        return selection_labels(cls, 'public_state')

    @staticmethod
    def normalize_code(value):
        """A dossier code as typed, ready to look up: without spaces
        (around it or inside, as a phone keyboard adds them) and in
        capitals, since codes are compared in capitals: typed
        "000.30.21.h16-261206-0001 " it finds 000.30.21.H16-261206-0001.
        Empty when it holds a control character, which no code has
        (PostgreSQL refuses a NUL in a query's parameter)."""
        code = ''.join(str(value or '').split()).upper()[:64]
        if any(unicodedata.category(c) == 'Cc' for c in code):
            return ''
        return code

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
        the public reads as received (public_received_date). What the
        visitor may read of the facts is public_view(facts, full).

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
                dossier.due_date, dossier.completed_date,
                dossier.supplement_reason,
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

    @classmethod
    def public_view(cls, facts, full):
        """What the reader may read of a dossier's facts (lookup_facts), as
        a dict (R-LOOK-2, Điều 16); full as lookup_facts gives it.

        - Strangers (not full) read the names masked (masked_name,
          masked_organisation), never applicant_name, organisation, the QR
          token (it shows the name) nor any text typed by an officer.
        - A dossier waiting for a supplement (invalid) shows no unit, step
          nor appointment (None), but the components to supplement
          (Điều 16.2), and to the full reader the officer's reason.
        - The reason of a refusal only to the full reader.
        - state_label: the state in the words of PUBLIC_STATES, in the
          reader's language."""
        invalid = facts.state == 'supplement'
        name = (facts.submitter_name or facts.applicant_name
            or facts.party_name or '')
        organisation = (facts.applicant_name
            if facts.applicant_kind == 'organisation' else '') or ''
        view = {
            'code': facts.code,
            'state': facts.state,
            'state_label': cls.public_state_labels().get(
                facts.state, facts.state),
            'procedure': facts.procedure_name,
            'agency': facts.agency_name,
            'received_date': facts.received_date,
            'submitted_date': facts.submitted_date,
            'completed_date': facts.completed_date,
            'invalid': invalid,
            'unit': None if invalid else facts.unit_name,
            'step': None if invalid else facts.step_name,
            'due_date': None if invalid else facts.due_date,
            'supplement_components': (
                list(facts.supplement_components) if invalid else []),
            'masked': not full,
            }
        if full:
            view['applicant_name'] = name
            view['organisation'] = organisation
            view['qr_token'] = facts.qr_token
            if invalid:
                view['supplement_reason'] = facts.supplement_reason or ''
            if facts.state == 'rejected':
                view['rejection_reason'] = facts.rejection_reason or ''
        else:
            view['masked_name'] = mask_name(name)
            view['masked_organisation'] = mask_name(organisation)
        return view

    def get_public_status(self, full=False):
        """public_view of this dossier: what the public lookup shows of it
        (full: with the PIN, the QR token or the owner's account)."""
        return self.public_view(self._public_facts(), full)

    def _public_facts(self):
        "The facts of lookup_facts, read from this dossier."
        def name(record):
            return record.name if record else None
        return SimpleNamespace(
            id=self.id, code=self.code, state=self.state,
            qr_token=self.qr_token, submitter_name=self.submitter_name,
            applicant_name=self.applicant_name,
            applicant_kind=self.applicant_kind,
            party_name=name(self.applicant),
            procedure_name=self.procedure.name,
            agency_name=self.agency.name,
            unit_name=name(self.current_unit),
            step_name=name(self.current_step),
            received_date=self.public_received_date(
                self.received_date, self.submitted_date),
            submitted_date=self.submitted_date,
            due_date=self.due_date, completed_date=self.completed_date,
            supplement_reason=self.supplement_reason,
            rejection_reason=self.rejection_reason,
            supplement_components=[
                c.name for c in self.supplement_components])

    def get_public_history(self):
        """The audit history as the citizen reads it (R-LOOK-3), oldest
        first: date, event and state (label and state_label in the words
        of PUBLIC_EVENTS and PUBLIC_STATES, in the reader's language), unit
        and step; no officer's name, and only the reasons meant for the
        applicant (PUBLIC_REASON_EVENTS)."""
        History = Pool().get('gov.dossier.history')
        events = History.public_event_labels()
        states = self.public_state_labels()
        result = []
        for entry in sorted(self.history, key=lambda e: (e.date, e.id)):
            if not entry.public:
                continue
            result.append({
                    'date': entry.date,
                    'event': entry.event,
                    'label': events.get(entry.event, entry.event),
                    'state': entry.to_state,
                    'state_label': states.get(
                        entry.to_state, entry.to_state),
                    'unit': entry.unit.name if entry.unit else None,
                    'step': entry.step_name,
                    'reason': (entry.reason
                        if entry.event in PUBLIC_REASON_EVENTS else None),
                    })
        return result


class DossierHistory(metaclass=PoolMeta):
    __name__ = 'gov.dossier.history'

    public_event = fields.Function(fields.Selection(
            [(None, "")] + PUBLIC_EVENTS, "Public Event", sort=False,
            help="The event in the words of the citizen's history."),
        'get_public_event')

    def get_public_event(self, name):
        # An event citizens never read (assigned …) has no public words.
        if self.event in dict(PUBLIC_EVENTS):
            return self.event

    @classmethod
    def public_event_labels(cls):
        "{event: label} as citizens read them, in the reader's language."
        return selection_labels(cls, 'public_event')
