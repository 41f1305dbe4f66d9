# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the back office types when it enters a dossier at the one-stop
desk or at the post office (R-SUB-3, R-POST-2, R-CAT-4).

- The eForm: choosing the procedure fills the dossier's eForm with every
  field of the procedure's form, empty, so that sao shows them all at once
  with their types (sao's Dict widget shows the keys of its value).
- The receiving agency: outside the portal, the picker offers only the
  agencies that handle the procedure (its offering agencies and the
  one-stop desks serving them). Postal staff get the agency of the
  applicant's area — the offering agency named in the address, or whose
  parent is — else the only offering agency, else none to choose.
- Several files at once: sao's attachment sidebar takes several files;
  "Add Attached Files" turns a dossier's attachments into its documents,
  through the same checks as any upload (R-SUB-7), the component guessed
  from the file name."""
import re

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from gov_procedure.catalogue import unaccent

from .workflow import external_button
from .exceptions import DossierAccessError, DossierWorkflowError

# "Ủy ban nhân dân phường Nghĩa Trung" is the committee of the area
# "phường Nghĩa Trung".
COMMITTEE_PREFIXES = ('uy ban nhan dan ', 'ubnd ')
AREA_KINDS = ('thanh pho ', 'thi xa ', 'thi tran ', 'phuong ', 'huyen ',
    'quan ', 'tinh ', 'xa ')
ABBREVIATIONS = {'tp': 'thanh pho', 'tx': 'thi xa', 'tt': 'thi tran'}
# The states in which an officer adds files to a dossier (WRITABLE_AFTER_
# DRAFT of dossier.py lets 'documents' be written in these).
FILE_STATES = ['draft', 'submitted', 'supplement', 'received', 'processing',
    'suspended', 'result_ready']


def words(text):
    "Unaccented words of text, abbreviations of areas written out."
    tokens = re.findall(r'[a-z0-9]+', unaccent(text or ''))
    return ' '.join(ABBREVIATIONS.get(t, t) for t in tokens)


def area_names(name):
    """The names under which an address names the area of a committee:
    ('phuong nghia trung', 'nghia trung'); () for another agency."""
    name = words(name)
    for prefix in COMMITTEE_PREFIXES:
        if name.startswith(prefix):
            area = name[len(prefix):]
            for kind in AREA_KINDS:
                if area.startswith(kind):
                    return (area, area[len(kind):])
            return (area,)
    return ()


def handling_agency_ids(procedure):
    """The agencies a dossier of the procedure may be addressed to: those
    offering it and the one-stop desks serving them."""
    Agency = Pool().get('gov.agency')
    offering = [a.id for a in procedure.agencies if a.active]
    desks = Agency.serving_desks()
    result = list(offering)
    for agency_id in offering:
        desk = desks.get(agency_id)
        if desk and desk not in result:
            result.append(desk)
    return result


class Agency(metaclass=PoolMeta):
    __name__ = 'gov.agency'

    procedures_handled = fields.Function(fields.Many2Many(
            'gov.procedure', None, None, "Procedures Handled",
            help="The procedures whose dossiers may be addressed to the "
            "agency: those it offers and those of the agencies its desk "
            "serves."),
        'get_procedures_handled', searcher='search_procedures_handled')

    @classmethod
    def get_procedures_handled(cls, agencies, name):
        Procedure = Pool().get('gov.procedure')
        result = {a.id: [] for a in agencies}
        for procedure in Procedure.search([]):
            for agency_id in handling_agency_ids(procedure):
                if agency_id in result:
                    result[agency_id].append(procedure.id)
        return result

    @classmethod
    def search_procedures_handled(cls, name, clause):
        _, operator, value = clause[:3]
        Procedure = Pool().get('gov.procedure')
        if not isinstance(value, (list, tuple)):
            value = [value]
        ids = set()
        for procedure in Procedure.browse([v for v in value if v]):
            ids.update(handling_agency_ids(procedure))
        negative = operator in {'!=', 'not in'}
        return [('id', 'not in' if negative else 'in', list(ids))]


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    handling_agencies = fields.Function(fields.Many2Many(
            'gov.agency', None, None, "Handling Agencies",
            help="The agencies a dossier of the procedure may be addressed "
            "to: those offering it and the one-stop desks serving them."),
        'on_change_with_handling_agencies')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The portal addresses online dossiers itself (its own list). On
        # the agency, not Eval('handling_agencies'): a domain depending on
        # a Function field is checked at every write of the dossier, and
        # computing it cost 4 ms of each (5 writes per online submission).
        cls.agency.domain = list(cls.agency.domain or []) + [
            If(Bool(Eval('procedure'))
                & (Eval('channel') != 'online')
                & (Eval('state') == 'draft'),
                ('procedures_handled', '=', Eval('procedure', -1)),
                ()),
            ]
        cls._buttons.update({
                'add_attachments': {
                    # The attachments of a saved dossier.
                    'invisible': (~Eval('state').in_(FILE_STATES)
                        | (Eval('id', -1) < 0)),
                    'icon': 'tryton-attach',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_agency(cls):
        "Postal staff address a dossier to the agency handling it, not to "
        "their post office."
        if cls.default_channel() == 'postal':
            return None
        return super().default_agency()

    @fields.depends('procedure')
    def on_change_with_handling_agencies(self, name=None):
        if not self.procedure:
            return []
        return handling_agency_ids(self.procedure)

    # ------------------------------------------------------------ eForm
    @staticmethod
    def empty_form_data(procedure, data=None):
        """Every field of the procedure's eForm, with the value it has in
        data, else empty (None; False for a tick box): the keys sao's Dict
        widget shows."""
        data = dict(data or {})
        if not procedure:
            return data
        return {f.name: data.get(f.name,
                False if f.type_ == 'boolean' else None)
            for f in sorted(procedure.form_fields,
                key=lambda f: (f.sequence or 0, f.id or 0))}

    @classmethod
    def read(cls, ids, fields_names):
        """The eForm of a desk or postal draft read by an officer lists
        every field of the form: fields.Dict does not store empty values,
        and sao shows only the keys it reads."""
        Procedure = Pool().get('gov.procedure')
        result = super().read(ids, fields_names)
        if 'form_data' in fields_names and Transaction().user:
            rows = {r['id']: r for r in result}
            with without_check_access():
                # super(): these fields need no filling, nor a second pass.
                for info in super().read(
                        list(rows), ['state', 'channel', 'procedure']):
                    if (info['state'] == 'draft'
                            and info['channel'] != 'online'
                            and info['procedure'] is not None):
                        row = rows[info['id']]
                        row['form_data'] = cls.empty_form_data(
                            Procedure(info['procedure']), row['form_data'])
        return result

    # ------------------------------------------------------------ agency
    def applicant_area_text(self):
        "The applicant's address: typed on the dossier, else the party's."
        texts = [self.applicant_address]
        if self.applicant:
            texts.extend(a.full_address for a in self.applicant.addresses)
        return '\n'.join(t for t in texts if t)

    def area_agency(self):
        """The offering agency of the procedure for the applicant's area:
        the one the address names (itself or one of its sub-areas), else
        the only offering agency, else None."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        if not self.procedure:
            return None
        offering = [a for a in self.procedure.agencies if a.active]
        text = self.applicant_area_text()
        if offering and text:
            address = ' %s ' % words(text)
            offered = {a.id: a for a in offering}
            for level in range(2):
                found = set()
                for agency in Agency.search([]):
                    names = area_names(agency.name)
                    # A bare name of one or two letters names nothing.
                    if len(names) <= level or len(names[level]) < 3:
                        continue
                    if ' %s ' % names[level] not in address:
                        continue
                    # The agency named, or the nearest of its parents,
                    # that offers the procedure.
                    seen = set()
                    while agency and agency.id not in seen:
                        seen.add(agency.id)
                        if agency.id in offered:
                            found.add(agency.id)
                            break
                        agency = agency.parent
                if len(found) == 1:
                    return offered[found.pop()]
                if found:
                    break
        if len(offering) == 1:
            return offering[0]
        return None

    def set_area_agency(self):
        """Outside the portal, address the draft to an agency that handles
        its procedure: postal staff get the agency of the applicant's area;
        at the desk an agency that does not handle it is replaced."""
        if (not self.procedure or self.channel == 'online'
                or self.state not in {None, 'draft'}):
            return
        handling = set(self.on_change_with_handling_agencies())
        current = self.agency.id if self.agency else None
        valid = current in handling
        if valid and self.channel != 'postal':
            return
        guess = self.area_agency()
        if guess:
            self.agency = guess
        elif not valid:
            self.agency = None

    @fields.depends('procedure', 'form_data', 'agency', 'channel', 'state',
        'applicant_address', 'applicant')
    def on_change_procedure(self):
        super().on_change_procedure()
        if self.procedure:
            self.form_data = self.empty_form_data(
                self.procedure, self.form_data)
        self.set_area_agency()

    @fields.depends('procedure', 'agency', 'channel', 'state',
        'applicant_address', 'applicant')
    def on_change_applicant_address(self):
        self.set_area_agency()

    @fields.depends('procedure', 'agency', 'channel', 'state',
        'applicant_address')
    def on_change_applicant(self):
        super().on_change_applicant()
        self.set_area_agency()

    @fields.depends('procedure', 'agency', 'channel', 'state',
        'applicant_address', 'applicant')
    def on_change_channel(self):
        self.set_area_agency()

    # ------------------------------------------------------------ files
    @classmethod
    @external_button
    def add_attachments(cls, dossiers, *, external=False):
        """The files attached to the dossiers (sao's attachment sidebar
        takes several at once) become their documents: a component when
        the file name names one of the procedure's components, else another
        document. Every file goes through the upload checks (R-SUB-7); the
        attachments are then removed."""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Document = pool.get('gov.dossier.document')
        to_create, to_delete = [], []
        for dossier in dossiers:
            if dossier.state not in FILE_STATES:
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_add_attachments_state',
                        dossier=dossier.rec_name))
            attachments = Attachment.search([
                    ('resource', '=', str(dossier)),
                    ('type', '=', 'data'),
                    ], order=[('create_date', 'ASC'), ('id', 'ASC')])
            if not attachments:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_add_attachments_none',
                        dossier=dossier.rec_name))
            if external:
                # The attachments are read with the user's rights.
                with check_access():
                    Attachment.read([a.id for a in attachments], ['id'])
            for attachment in attachments:
                component = dossier.component_of_file(attachment.name)
                to_create.append({
                        'dossier': dossier.id,
                        'kind': 'component' if component else 'other',
                        'component': component.id if component else None,
                        'name': attachment.name,
                        'data': attachment.data,
                        'description': attachment.description,
                        })
                to_delete.append(attachment)
        Document.create(to_create)
        Attachment.delete(to_delete)

    def component_of_file(self, filename):
        """The procedure's component whose name shares the most words with
        the file name (without its extension, diacritics optional); None
        when they share no word of three letters or more. On a tie, the
        first component of the list."""
        stem = (filename or '').rsplit('.', 1)[0].replace('_', ' ')
        name_words = {w for w in words(stem).split() if len(w) >= 2}
        best, best_score = None, 0
        for component in self.procedure.components:
            common = name_words & set(words(component.name).split())
            if not any(len(w) >= 3 for w in common):
                continue
            if len(common) > best_score:
                best, best_score = component, len(common)
        return best
