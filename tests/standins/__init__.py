"""Real HTTP servers on 127.0.0.1 standing in for the Telegram Bot API and the Graph API."""
