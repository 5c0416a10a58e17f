"""The enterprise directory and matching enterprises to planned purchases.

``fields`` parses what an enterprise types into its profile (pure), ``cvr`` checks CVR
numbers (pure), ``profiles`` stores profiles and their approval by staff, ``matching``
decides which listed enterprises fit a purchase and what to advise (pure), ``purchases``
stores a match and sends the heads-up through the outbox, audited like broadcasts.
"""
