"""The Kopf shell: importing this package registers toollab's handlers (`kopf run -m toollab.handlers`)."""

from toollab.handlers import lifecycle, login, sets, trials

__all__ = ["lifecycle", "login", "sets", "trials"]
