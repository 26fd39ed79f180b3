"""How the boards score: the scores phase and the lifespan and repost analytics (lifespan, repost frequency)."""
