# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.

# Installed when the module is imported, i.e. in every process that loads
# the pool (server, cron, worker, trytond-admin, tests).
from . import sqlite_transaction

sqlite_transaction.install()
