"""Lowest layer shared by every stage: schemas, errors, random streams, provenance."""
