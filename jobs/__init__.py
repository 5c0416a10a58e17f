"""udbudsbot's engine: sources, parsing, classification, storage, matching, outbox.

Knows nothing of Telegram; ``bot`` imports this package, never the reverse.
"""
