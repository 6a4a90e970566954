"""Channel adapters: each turns one platform's updates into IncomingMessage and back."""
