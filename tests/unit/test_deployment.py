"""Slack and Teams are switched on by their environment variables alone, and their secrets never reach the disk."""

from rasa.shared.utils.io import read_config_file

from bot.runtime.credentials import REST, write_credentials

SLACK = {"SLACK_BOT_TOKEN": "xoxb-geheim", "SLACK_SIGNING_SECRET": "ondertekengeheim"}


def test_without_variables_only_the_rest_channel_is_open(tmp_path):
    status = write_credentials(tmp_path / "credentials.yml", {})
    assert read_config_file(tmp_path / "credentials.yml") == {REST: None}
    assert status == ["Slack: uit (niet ingesteld)", "Teams: uit (niet ingesteld)"]


def test_a_configured_channel_is_open_and_its_secrets_stay_in_the_environment(tmp_path, monkeypatch):
    for variable, value in SLACK.items():
        monkeypatch.setenv(variable, value)
    status = write_credentials(tmp_path / "credentials.yml", SLACK)
    written = (tmp_path / "credentials.yml").read_text()
    assert "geheim" not in written
    assert read_config_file(tmp_path / "credentials.yml")["bot.channels.slack.BaliegidsSlackInput"] == {
        "slack_bot_token": "xoxb-geheim",
        "slack_signing_secret": "ondertekengeheim",
    }
    assert status[0] == "Slack: aan"


def test_a_half_configured_channel_stays_closed_and_says_what_is_missing(tmp_path):
    status = write_credentials(tmp_path / "credentials.yml", {"TEAMS_APP_ID": "app"})
    assert set(read_config_file(tmp_path / "credentials.yml")) == {REST}
    assert status[1] == "Teams: UIT, want TEAMS_APP_PASSWORD, TEAMS_TENANT_ID ontbreken (zie README)"
