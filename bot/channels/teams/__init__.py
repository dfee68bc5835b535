"""The Microsoft Teams channel for a single-tenant bot registration (Rasa's own Bot Framework channel only knows
multi-tenant bots): `bot.channels.teams.TeamsInput` in the credentials file."""

from bot.channels.teams.channel import TeamsInput

__all__ = ["TeamsInput"]
