"""Operations: leadership among processes, metrics, retention, secret redaction, copying the database, staff figures."""
