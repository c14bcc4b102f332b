"""`python -m graph_intel` runs the command line."""

from graph_intel.cli import main

main()
