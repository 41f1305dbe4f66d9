"""The demo identity provider (gov_sso, R-SEC-4): a gov.sso.provider
record pointing at the sandbox identity provider (gov_server.sandbox_oidc)
that gov_server.sandboxes started, whose address and client secret change
at every start. Called by gov_server.run once the sandboxes run, before
serving: it reads `[gov_sso] sandbox_issuer`, `sandbox_client_id` and
`sandbox_client_secret` (written by sandboxes.apply) and creates or
updates the provider of code DEMO_CODE; nothing without them."""
CODE = 'vneid-sandbox'
NAME = "VNeID (thử nghiệm)"
# The demo officer who signs in to sao through it (sandbox_oidc.CITIZENS).
OFFICER = ('motcua', '067188004242')


def point_demo_provider(config, database):
    "Create or update the demo provider; a line saying what was done."
    issuer = config.get('gov_sso', 'sandbox_issuer', default=None)
    if not issuer:
        return None
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    with Transaction().start(database, 0, context={'language': 'vi'}):
        try:
            Provider = pool.get('gov.sso.provider')
        except KeyError:
            return 'gov_sso is not activated: no demo identity provider'
        providers = Provider.search([
                ('code', '=', CODE),
                ('active', 'in', [True, False]),
                ])
        provider = providers[0] if providers else Provider(
            code=CODE, name=NAME, scopes='openid profile email phone address')
        provider.issuer = issuer
        provider.client_id = config.get('gov_sso', 'sandbox_client_id')
        provider.client_secret = config.get(
            'gov_sso', 'sandbox_client_secret')
        provider.staff = True
        provider.save()
        User = pool.get('res.user')
        login, number = OFFICER
        officers = User.search([('login', '=', login)])
        if officers and not officers[0].sso_identification_number:
            User.write(officers, {'sso_identification_number': number})
    return f'demo identity provider {NAME}: {issuer}'
