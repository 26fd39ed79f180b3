"""What is scraped: scrape and snapshot per board-day, its job, and the same work sharded per ATS host."""
