"""civicdesk: the ledger behind a 12345 / 311 citizens' hotline."""

__version__ = "0.1.0"
