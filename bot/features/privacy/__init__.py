"""The privacy feature: everything it owns is declared in feature.py."""
