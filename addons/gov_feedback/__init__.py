# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from . import ir  # noqa: F401  (scopes the record rules by agency)
from . import routes  # noqa: F401  (the portal's pages /phan-anh, /hoi-dap)
