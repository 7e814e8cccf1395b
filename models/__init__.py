"""Data model (plain dataclasses) and the warehouse schema (``schema.sql``)."""
