"""Shared services a feature may call: pure code over the content and storage, no Telegram."""
