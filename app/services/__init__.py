"""The rules, as plain functions over a database session. No Flask request in here."""
