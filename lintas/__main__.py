"""``python -m lintas``."""

from lintas.cli import main

main()
