# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from . import routes  # noqa: F401  (registers the portal pages)
from . import routes_account  # noqa: F401
from . import routes_catalogue  # noqa: F401
from . import routes_lookup  # noqa: F401
from . import routes_embed  # noqa: F401
from . import routes_sms  # noqa: F401
from . import routes_dossier  # noqa: F401
from . import routes_personal_data  # noqa: F401
