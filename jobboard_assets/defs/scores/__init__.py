"""How the boards score: phase 5 and the day 9/10 analytics (lifespan, repost frequency)."""
