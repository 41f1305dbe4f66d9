# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The citizen's eForm of the portal: saved as a draft, then submitted
when she asks and it is complete (R-SUB-1, R-SUB-4, R-SUB-7, R-SUB-8,
R-SUB-9, R-CAT-4).

`Dossier.portal_save_form` decides what becomes of a form; the portal
only reads the request and shows what it returns:

- A value the server never stores (too long, out of range, a control
  character: gov_procedure/bounds.py) refuses the whole form: nothing is
  written, DossierFormError carries every error.
- Other mistakes (a missing value, a date that does not exist, a file of
  the wrong type) keep everything valid in the draft: nothing typed or
  uploaded is lost (R-SUB-1, JOURNEYS: Chị Lan). A draft may be
  incomplete: saved as a draft, only wrong values are reported.
- When the model refuses what the form let through (a UserError while
  writing the draft), DossierFormError too: the caller rolls the request
  back, no half-saved dossier.
- Submitted, the dossier needs its mandatory files (missing_components,
  not those the eForm replaces online) and the declaration (R-SUB-9).

Keys of a form and of its errors (one dict each, in the order the form
shows them): the dossier's fields (applicant_name, applicant_id_number,
applicant_phone, applicant_email, applicant_address, agency; how she
receives the result: return_method, return_address, return_phone and
the fields other modules read, delivery.py, R-SUB-10),
``form_data.<name>`` for a field of the procedure's eForm,
``component.<id>`` for the file of a component, ``declaration``, and
``_`` for the form as a whole. Files come as {component id: (file name,
content)}."""
import re
from dataclasses import dataclass, field

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .exceptions import DossierAccessError, DossierFormError
from .identity import is_personal_id

APPLICANT_FIELDS = ('applicant_name', 'applicant_id_number',
    'applicant_phone', 'applicant_email', 'applicant_address')
FORM_DATA = 'form_data.'
COMPONENT = 'component.'
PERSONAL_ID = re.compile(r'^\d{12}$')
PHONE = re.compile(r'^(\+84|0)\d{9,10}$')
PHONE_SEPARATORS = re.compile(r'[\s.\-()]')


@dataclass
class PortalForm:
    """What became of a citizen's form (portal_save_form).

    dossier: the draft as saved — or, refused, the draft as it was before
    (None for a new one) — or the dossier once submitted; errors: the
    messages by key (see the module); data: the eForm values as read;
    agency: the id of the agency the dossier is addressed to (None when
    she must still choose it)."""
    dossier: object = None
    errors: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    agency: int = None
    submitted: bool = False


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def portal_draft(cls, procedure, web_user, draft):
        """The citizen's draft of the procedure whose id is draft (as the
        form sends it); None without an id. DossierAccessError when it is
        not her draft of this procedure."""
        try:
            draft = int(draft or 0)
        except (TypeError, ValueError):
            return None
        if not draft:
            return None
        drafts = cls.search_owned(web_user, [
                ('id', '=', draft),
                ('procedure', '=', procedure.id),
                ('state', '=', 'draft'),
                ], limit=1)
        if not drafts:
            raise DossierAccessError(gettext(
                    'gov_dossier.msg_dossier_not_owner'))
        return drafts[0]

    @classmethod
    def portal_save_form(cls, procedure, web_user, form, files, *,
            draft=None, submit=False, declared=False):
        """Save the citizen's form of the procedure as her draft (a new
        one, or draft: its id as the form sends it) and, with submit,
        submit it when it is complete and she ticked the declaration
        (declared). Returns a PortalForm; raises DossierFormError (with
        the PortalForm) when the form is refused as a whole, and
        DossierAccessError when draft is not hers or the procedure has no
        agency to address it to. See the module for the rules and the
        keys of form and errors."""
        existing = cls.portal_draft(procedure, web_user, draft)
        errors = {}
        values = cls._portal_applicant_values(form, errors)
        # How she receives the result (delivery.py, R-SUB-10): saved in
        # the draft like the applicant's fields.
        values.update(cls._portal_return_values(form, errors))
        data, form_errors = procedure.parse_form_data(
            {f.name: form.get(FORM_DATA + f.name)
                for f in procedure.form_fields})
        # What the server never stores refuses the whole form.
        refused = cls.text_errors(values)
        refused.update((FORM_DATA + name, message)
            for name, message in procedure.bounds_errors(data).items())
        for name, message in form_errors.items():
            errors[FORM_DATA + name] = message
            data.pop(name, None)
        agency = cls._portal_agency(procedure, form, errors)
        # Whether the choice is offered and complete, for the agency.
        probe = cls(procedure=procedure, channel='online',
            web_user=web_user, agency=agency or (
                existing.agency.id if existing else None),
            applicant_address=values['applicant_address'],
            applicant_phone=values['applicant_phone'])
        for name, message in probe.return_errors(values).items():
            errors.setdefault(name, message)
        for name in errors:
            if name in values:
                # A wrong value is not kept in the draft (the form shows it).
                values[name] = None
        if not submit:
            # A draft may be incomplete: only wrong values are reported.
            errors = {k: v for k, v in errors.items()
                if (form.get(k) or '').strip()}
        uploads, file_errors = cls.check_portal_files(
            procedure.components, files)
        errors.update((COMPONENT + str(c), m) for c, m in file_errors.items())
        if submit and not declared:
            # R-SUB-9, Điều 27: she declares the information accurate.
            errors['declaration'] = gettext(
                'gov_dossier.msg_form_declaration_required')
        result = PortalForm(existing, errors, data, agency)
        if refused:
            errors.update(refused)
            raise DossierFormError(result)
        if existing is None and not procedure.agencies:
            # Nowhere to address a new dossier.
            raise DossierAccessError(gettext(
                    'gov_dossier.msg_procedure_not_online',
                    procedure=procedure.rec_name))
        try:
            result.dossier = cls._portal_write_draft(procedure, web_user,
                existing, values, data, agency, uploads)
        except UserError as error:
            # The caller rolls back: the draft stays as it was.
            result.dossier = existing
            errors['_'] = error.message
            raise DossierFormError(result) from error
        draft = result.dossier
        if submit:
            # The model's list: online, not the components the eForm
            # replaces.
            for component in draft.missing_components():
                errors.setdefault(COMPONENT + str(component.id), gettext(
                        'gov_dossier.msg_form_component_required',
                        component=component.name))
        if submit and not errors:
            try:
                cls.portal_submit([draft], web_user, declared=True)
            except UserError as error:
                errors['_'] = error.message
            else:
                result.dossier = cls(draft.id)
                result.submitted = True
        return result

    @classmethod
    def _portal_applicant_values(cls, form, errors):
        "The applicant's values of the form, cleaned; errors added."
        values = {
            'applicant_name': ' '.join(
                (form.get('applicant_name') or '').split()),
            'applicant_id_number': (
                form.get('applicant_id_number') or '').strip(),
            'applicant_phone': PHONE_SEPARATORS.sub(
                '', form.get('applicant_phone') or ''),
            'applicant_email': (
                form.get('applicant_email') or '').strip() or None,
            'applicant_address': (
                form.get('applicant_address') or '').strip(),
            }
        if not values['applicant_name']:
            errors['applicant_name'] = gettext(
                'gov_dossier.msg_form_applicant_name_required')
        number = values['applicant_id_number']
        if not number:
            errors['applicant_id_number'] = gettext(
                'gov_dossier.msg_form_id_number_required')
        elif not (PERSONAL_ID.match(number) and is_personal_id(number)):
            errors['applicant_id_number'] = gettext(
                'gov_dossier.msg_form_id_number_invalid')
            values['applicant_id_number'] = None
        if values['applicant_phone'] and not PHONE.match(
                values['applicant_phone']):
            errors['applicant_phone'] = gettext(
                'gov_dossier.msg_form_phone_invalid')
        values['applicant_phone'] = values['applicant_phone'] or None
        values['applicant_address'] = values['applicant_address'] or None
        # The model's checks (lengths, control characters, e-mail): the
        # portal and the back office refuse the same values.
        for name, message in cls.applicant_field_errors(values).items():
            errors.setdefault(name, message)
        return values

    @staticmethod
    def _portal_agency(procedure, form, errors):
        """The agency chosen among the procedure's: the only one when it
        has one, else None and an error."""
        agencies = [a.id for a in procedure.agencies]
        try:
            agency = int(form.get('agency') or 0)
        except (TypeError, ValueError):
            agency = 0
        if agency in agencies:
            return agency
        if len(agencies) == 1:
            return agencies[0]
        errors['agency'] = gettext('gov_dossier.msg_form_agency_required')
        return None

    @classmethod
    def check_portal_files(cls, components, files):
        """The files chosen for the components ({component id: (file name,
        content)}), checked as every upload is (R-SUB-7): returns
        ({component: (clean name, content)}, {component id: message})."""
        Document = Pool().get('gov.dossier.document')
        uploads, errors = {}, {}
        for component in components:
            if component.id not in files:
                continue
            filename, data = files[component.id]
            # No folder, control or bidirectional character.
            filename = Document.clean_filename(filename)
            try:
                Document.check_upload(filename, data, component=component)
            except UserError as error:
                errors[component.id] = error.message
                continue
            uploads[component] = (filename, data)
        return uploads, errors

    def add_portal_files(self, uploads, web_user, new=False):
        """Add the checked files ({component: (name, content)}) as the
        citizen's; in a draft a new file replaces the component's old
        one (new: the draft was just created, it has none)."""
        Document = Pool().get('gov.dossier.document')
        if not uploads:
            return
        if not new and self.state == 'draft':
            old = [d for d in self.documents
                if d.kind == 'component' and d.component in uploads]
            if old:
                Document.delete(old)
        Document.create([{
                    'dossier': self.id,
                    'kind': 'component',
                    'component': component.id,
                    'name': filename,
                    'data': data,
                    'web_user': int(web_user),
                    } for component, (filename, data) in uploads.items()])

    @classmethod
    def _portal_write_draft(cls, procedure, web_user, draft, values, data,
            agency, uploads):
        "The draft with the valid values and files."
        new = draft is None
        if new:
            draft = cls(procedure=procedure, channel='online',
                applicant_kind='citizen', web_user=web_user,
                applicant=web_user.party,
                agency=agency or procedure.agencies[0].id)
        if agency:
            draft.agency = agency
        for name, value in values.items():
            setattr(draft, name, value)
        draft.form_data = data
        draft.save()
        draft.add_portal_files(uploads, web_user, new=new)
        return cls(draft.id)
