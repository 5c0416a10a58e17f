"""A small knowledge base of questions and answers about the advisory offers.

``load_faq`` reads ``faq.toml``; ``match`` finds the entry a free-text question is about.
Pure apart from reading the file; nothing here knows about Telegram.
"""
