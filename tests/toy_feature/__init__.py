"""A toy feature for tests/test_toy_feature.py: one package with a table, a chore, a command and a
callback, added to the bot by one entry in the features tuple and nothing else."""
