"""What the history says: phases 3-4 (lifespans, reposts), the daily history job, the checks."""
