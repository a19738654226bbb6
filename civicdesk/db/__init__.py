"""Database backends of our own (only a thin SQLite subclass; PostgreSQL uses Django's)."""
