"""What is scraped: phases 1-2 per board-day, its job, and the same work sharded per ATS host."""
