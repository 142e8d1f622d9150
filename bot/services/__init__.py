"""Shared services a feature may call: what two features share lives here, never in either."""
