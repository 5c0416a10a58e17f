"""Deliver: match notices to subscriptions, queue messages in the outbox, and send them at Telegram's pace."""
