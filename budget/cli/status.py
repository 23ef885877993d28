"""The command line's exit statuses (a module of its own: the console script reads them
before importing any command)."""

INVALID_INPUT, WRONG_USAGE, BREACH_FOUND, INTERNAL_ERROR, INTERRUPTED = 1, 2, 3, 70, 130
