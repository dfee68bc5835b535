"""Which chat channels the Rasa server opens, decided at start from environment variables: the REST channel
(widget, tests) always; Slack and Teams when their required variables are set. The credentials file written here
holds ${VARIABLE} placeholders that Rasa fills in from the environment, so no secret is written to disk."""

from pathlib import Path
from typing import List, Mapping, Tuple

import yaml

from bot.channels import OPTIONAL, REST


def credentials(env: Mapping[str, str]) -> Tuple[dict, List[str]]:
    """Rasa's credentials for the channels that are switched on, and one Dutch status line per optional channel.
    A channel's settings are named after its variables in lower case (SLACK_BOT_TOKEN -> slack_bot_token)."""
    channels: dict = {REST: None}
    status = []
    for channel, (label, required, optional) in OPTIONAL.items():
        present = [variable for variable in required if env.get(variable)]
        if len(present) == len(required):
            channels[channel] = {
                variable.lower(): f"${{{variable}}}" for variable in required + optional if env.get(variable)
            }
            status.append(f"{label}: aan")
        elif present:
            missing = [variable for variable in required if variable not in present]
            verb = "ontbreekt" if len(missing) == 1 else "ontbreken"
            status.append(f"{label}: UIT, want {', '.join(missing)} {verb} (zie README)")
        else:
            status.append(f"{label}: uit (niet ingesteld)")
    return channels, status


def write_credentials(path: Path, env: Mapping[str, str]) -> List[str]:
    """Writes the credentials file for `rasa run --credentials`; returns the status lines."""
    channels, status = credentials(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Written at start by bot/runtime/credentials.py; do not edit.\n" + yaml.safe_dump(channels))
    return status
