"""Ingest: fetch sources, parse them into notices, decide what is new or changed, and store it."""
