"""python -m bench [--dossiers N] …: see bench/run.py."""
from bench.run import main

main()
