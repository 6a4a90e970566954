"""The side effects of a conversation: thin rasa_sdk actions, each calling one service.

Run in-process by the engine, or by the rasa-sdk action server:
`python -m rasa_sdk --actions actions`.
"""
