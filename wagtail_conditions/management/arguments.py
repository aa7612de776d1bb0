"""
Whole-number options of our management commands, checked the same way whether they come from
the command line (argparse) or as ``call_command()`` keywords, which skip argparse.
"""

import argparse

from django.core.management.base import CommandError


class WholeNumberRange:
    """A whole number from ``minimum`` to ``maximum``. ``message`` says what was expected and
    what came instead, with ``%(min)s``, ``%(max)s`` and ``%(value)s``."""

    def __init__(self, minimum, maximum, message):
        self.minimum = minimum
        self.maximum = maximum
        self.message = message

    def _error(self, value):
        return ValueError(self.message % {"min": self.minimum, "max": self.maximum, "value": value})

    def check(self, value):
        """``value`` (an int, or a string of one) as a number in the range, else ValueError."""
        if isinstance(value, str):
            try:
                number = int(value.strip())
            except ValueError:
                raise self._error(repr(value)) from None
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raise self._error(repr(value))
        if not self.minimum <= number <= self.maximum:
            raise self._error(number)
        return number

    def argument(self, value):
        """An argparse ``type``: the parser reports a bad value (CommandError via call_command)."""
        try:
            return self.check(value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    def option(self, value, name):
        """``value`` checked again in ``handle()``, where call_command keywords arrive
        unchecked; a CommandError naming ``name`` (the option or setting) when it is bad."""
        try:
            return self.check(value)
        except ValueError as error:
            raise CommandError(f"{name}: {error}") from None
