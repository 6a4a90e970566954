"""What the antenna does, free of any channel: one job per module, plain arguments, a Session."""
