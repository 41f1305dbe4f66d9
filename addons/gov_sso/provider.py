# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The OpenID Connect providers citizens may sign in with (R-SEC-4,
R-AG-4): VNeID, or the sandbox of `make run`. Managed by the
administrators in the back office; the client secret is readable by them
only (field access, provider.xml)."""
from urllib.parse import urlsplit

from authlib.common.security import is_secure_transport

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.model.exceptions import ValidationError


class ProviderValidationError(ValidationError):
    pass


class Provider(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "An external identity provider (OpenID Connect) of the portal."
    __name__ = 'gov.sso.provider'
    __string__ = "Identity Provider"

    name = fields.Char("Name", required=True, translate=True,
        help="Shown on the login button: \"Đăng nhập bằng <name>\".")
    code = fields.Char("Code", required=True,
        help="A short fixed name of the provider, e.g. \"vneid\".")
    issuer = fields.Char("Issuer", required=True,
        help="The issuer URL: its /.well-known/openid-configuration "
        "describes the provider (HTTPS; plain HTTP only on this machine).")
    client_id = fields.Char("Client ID", required=True,
        help="The identifier the provider gave the portal when it was "
        "registered.")
    client_secret = fields.Char("Client Secret", required=True,
        strip=False,
        help="The secret the provider gave the portal; readable by the "
        "administrators only.")
    scopes = fields.Char("Scopes", required=True,
        help="Space-separated; \"openid\" is always asked.")
    claim_identification = fields.Char(
        "Identification Number Claim", required=True,
        help="The claim carrying the 12-digit personal identification "
        "number.")
    claim_name = fields.Char("Full Name Claim")
    claim_birth_date = fields.Char("Birth Date Claim")
    claim_address = fields.Char("Address Claim",
        help="A text, or an OpenID Connect address object (its "
        "\"formatted\" value is used).")
    claim_phone = fields.Char("Phone Claim")
    claim_email = fields.Char("E-mail Claim")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'gov_sso.msg_provider_code_unique'),
            ]

    @staticmethod
    def default_scopes():
        return 'openid profile'

    @staticmethod
    def default_claim_identification():
        return 'identification_number'

    @staticmethod
    def default_claim_name():
        return 'name'

    @staticmethod
    def default_claim_birth_date():
        return 'birthdate'

    @staticmethod
    def default_claim_address():
        return 'address'

    @staticmethod
    def default_claim_phone():
        return 'phone_number'

    @staticmethod
    def default_claim_email():
        return 'email'

    @classmethod
    def validate_fields(cls, providers, field_names):
        super().validate_fields(providers, field_names)
        if field_names and 'issuer' not in field_names:
            return
        for provider in providers:
            parts = urlsplit(provider.issuer or '')
            # Tokens and the client secret never travel in clear text
            # (authlib's rule: HTTPS, or HTTP on the loopback only).
            if (parts.scheme not in {'http', 'https'} or not parts.hostname
                    or parts.query or parts.fragment
                    or not is_secure_transport(provider.issuer)):
                raise ProviderValidationError(gettext(
                        'gov_sso.msg_provider_issuer',
                        issuer=provider.issuer, provider=provider.rec_name))

    @property
    def scope_list(self):
        scopes = (self.scopes or '').split()
        if 'openid' not in scopes:
            scopes.insert(0, 'openid')
        return scopes
