"""The surveys the scores phase reads: external assets that `jobboard surveys import` fills."""
