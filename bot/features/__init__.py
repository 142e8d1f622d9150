"""Features: each a package whose feature.py declares FEATURE (the contract: bot/core/feature.py)."""
