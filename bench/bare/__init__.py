"""The thinnest DRF create endpoint, measured beside case intake: one model, token auth, a model serializer."""
