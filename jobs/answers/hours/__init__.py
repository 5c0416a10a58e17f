"""Opening and phone hours: configuration, schedule, question understanding and answers.

Pure: the clock is always injected. The bot's handlers call ``jobs.answers.ask.respond`` or the
functions here; nothing in this package knows about Telegram.
"""
