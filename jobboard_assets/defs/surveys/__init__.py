"""The surveys phase 5 reads: external assets that `jobboard surveys import` fills."""
