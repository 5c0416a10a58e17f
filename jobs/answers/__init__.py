"""Answers: what the bot says to a question (opening and phone hours, the FAQ); pure, nothing stored."""
