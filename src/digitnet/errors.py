"""The error for a choice the user made that cannot work (a setting out of range, a model that
cannot continue as asked, a file that cannot be written where asked), raised wherever it is
found: the command line answers it with one line and exit status 2, the web page with 422."""


class SettingError(ValueError):
    """A setting, flag or path the user chose that cannot be used; the message says why."""
