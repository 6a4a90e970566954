"""Delivery of the outbox: one worker per channel sends the rows under the platform's limits."""
