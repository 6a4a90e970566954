"""WhatsApp Cloud API: the signed webhook in, outbox rows out through the Graph API."""
