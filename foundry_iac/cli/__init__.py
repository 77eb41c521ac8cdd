"""The `foundry-iac` command line: find the repository, parse the command, run it, exit 0, 1 or 2."""
