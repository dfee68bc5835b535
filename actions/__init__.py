"""Custom actions served by the Rasa SDK action server (`rasa run actions`), split by concern."""
