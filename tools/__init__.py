"""Development tools run by scripts/ (not part of the installed package)."""
