"""`python -m workers.cli` = `dermclaims`."""

from workers.cli import main

main()
