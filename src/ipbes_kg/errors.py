"""The error contract: a user error is one line for a person, with a documented exit code."""

# Exit codes shared by every command (documented in README.md); 0 is success.
EXIT_FAILED = 1  # the command ran and found problems (validation results, count mismatch)
EXIT_USAGE = 2  # bad input: file, option, parameter, query, endpoint
EXIT_INTERNAL = 3  # a bug: please report it with --debug output


class UserError(Exception):
    """An error the user can fix; its message names the file, line or URL and what to do."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
