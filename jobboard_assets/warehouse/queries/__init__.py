"""Functions over the warehouse, grouped by what they serve; callers never write SQL."""
