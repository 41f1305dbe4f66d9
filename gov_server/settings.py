"""Where the platform's files are, and the fixed values of the demo.

Imports nothing of the package and does nothing when imported, so that
every module of gov_server (and the test command) can import it without
an import cycle or a side effect."""
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / 'data'
VAR = ROOT / 'var'
DEFAULT_CONFIG = ROOT / 'config' / 'trytond.conf'

# Our modules, activated or updated by gov_server.setup_db.
MODULES = ['gov_agency', 'gov_procedure', 'gov_dossier', 'gov_portal',
    'gov_fee', 'gov_postal', 'gov_feedback', 'gov_rating', 'gov_report',
    'gov_signature', 'gov_api', 'gov_sso', 'gov_audit']

# The demo's passwords (README, "Demo accounts"); change them before any
# real use.
ADMIN_PASSWORD = 'admin@2026'
DEMO_PASSWORD = 'dvc@2026'


def read_csv(name):
    "The rows of data/<name>; lines starting with # are comments."
    with open(DATA / name, encoding='utf-8', newline='') as f:
        lines = [line for line in f if not line.startswith('#')]
    return list(csv.DictReader(lines))
