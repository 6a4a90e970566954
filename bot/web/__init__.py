"""The web: the citizens' chat, the operators' console, the channels' webhooks, in one ASGI app."""
