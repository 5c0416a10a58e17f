"""People: subscribers and their settings, privacy, staff roles, advice requests, broadcasts and the audit log."""
