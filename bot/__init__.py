"""Scintille: the social antenna's engine."""
