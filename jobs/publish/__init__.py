"""What the public web section reads: open notices with filters and pages, one
notice with its lots and the history of its changes. Read-only; public data only."""
