"""When things run: the daily schedule, the sensors (registry, history, mirror, Run Now)."""
