"""What the history says: lifespans and reposts (lifespans, reposts), the daily history job, the checks."""
