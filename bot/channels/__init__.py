"""The chat channels, one module each (as in Rasa's own rasa/core/channels/), and the registry of which the Rasa
server can open. This module names them only: importing it loads no channel (and no Rasa)."""

from typing import Dict, NamedTuple, Tuple


class Channel(NamedTuple):
    label: str  # as the start-up lines name it
    required: Tuple[str, ...]  # environment variables that switch it on, all of them
    optional: Tuple[str, ...] = ()


# The longest message any channel accepts; a longer one gets a Dutch request to ask it shorter.
MAX_CHARACTERS = 2000

REST = "bot.channels.rest.BaliegidsRestInput"  # always open: the widget and the tests talk to it
OPTIONAL: Dict[str, Channel] = {
    "bot.channels.slack.BaliegidsSlackInput": Channel(
        "Slack", ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"), ("SLACK_API_URL",)
    ),
    "bot.channels.teams.TeamsInput": Channel(
        "Teams",
        ("TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID"),
        ("TEAMS_OPENID_METADATA_URL", "TEAMS_LOGIN_URL", "TEAMS_ALLOWED_SERVICE_HOSTS"),
    ),
}
