"""Connection settings resolve as the deals CLI resolves them (the cases of DealConnectionResolverTests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealstore import DealStoreError, StatusCode, resolve

PROFILE = """{"current": "staging", "profiles": {
  "staging": {"addr": "127.0.0.1:9000", "token": "profile-token", "ca": "~/staging-ca.pem"},
  "prod": {"addr": "deals.example.com:443", "tokenFile": "~/prod.token", "cert": "c.pem", "key": "k.pem"}
}}"""


def sandbox(root: Path, profile: str | None = None, local_daemon: bool = True) -> dict[str, str]:
    """A HOME with a dealsd data directory (ca.pem, admin.token) and optionally a profile file."""
    data = root / "state"
    data.mkdir()
    (root / "config" / "deals").mkdir(parents=True)
    if local_daemon:
        (data / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
        (data / "admin.token").write_text("  local-admin-token\n")
    if profile is not None:
        (root / "config" / "deals" / "profile.json").write_text(profile)
    (root / "prod.token").write_text("profile-file-token\n")
    return {"HOME": str(root), "XDG_CONFIG_HOME": str(root / "config"), "DEALSD_DATA_DIR": str(data)}


def test_no_settings_finds_the_local_daemon(tmp_path: Path) -> None:
    env = sandbox(tmp_path)
    settings = resolve(environ=env)
    assert settings.address == "127.0.0.1:7443"
    assert settings.ca_file == env["DEALSD_DATA_DIR"] + "/ca.pem"
    assert settings.token == "local-admin-token"  # whitespace around the file's token trimmed
    assert settings.token_source == env["DEALSD_DATA_DIR"] + "/admin.token"


def test_profile_overrides_local_defaults(tmp_path: Path) -> None:
    settings = resolve(environ=sandbox(tmp_path, PROFILE))
    assert settings.address == "127.0.0.1:9000"
    assert settings.token == "profile-token"
    assert settings.ca_file == str(tmp_path) + "/staging-ca.pem"
    assert settings.ca_source is not None and 'profile "staging"' in settings.ca_source


def test_environment_overrides_profile(tmp_path: Path) -> None:
    env = sandbox(tmp_path, PROFILE) | {"DEALS_ADDR": "10.0.0.5:7000", "DEALS_TOKEN": "env-token"}
    settings = resolve(environ=env)
    assert (settings.address, settings.address_source) == ("10.0.0.5:7000", "DEALS_ADDR")
    assert (settings.token, settings.token_source) == ("env-token", "DEALS_TOKEN")
    assert settings.ca_file == str(tmp_path) + "/staging-ca.pem"  # unset in the environment: from the profile


def test_arguments_override_environment(tmp_path: Path) -> None:
    env = sandbox(tmp_path, PROFILE) | {"DEALS_ADDR": "10.0.0.5:7000", "DEALS_TOKEN": "t", "DEALS_CA": "/env/ca.pem"}
    settings = resolve(addr="flag-host:1234", token="flag-token", ca="/flag/ca.pem", environ=env)
    assert (settings.host, settings.port) == ("flag-host", 1234)
    assert settings.token == "flag-token"
    assert settings.ca_file == "/flag/ca.pem"


def test_named_profile_with_token_file_and_remote_address_skips_local_secrets(tmp_path: Path) -> None:
    settings = resolve(profile="prod", environ=sandbox(tmp_path, PROFILE))
    assert (settings.host, settings.port) == ("deals.example.com", 443)
    assert settings.token == "profile-file-token"
    assert (settings.cert_file, settings.key_file) == ("c.pem", "k.pem")
    assert settings.ca_file is None  # a remote server never gets the local CA or admin token


def test_remote_address_never_gets_the_local_token(tmp_path: Path) -> None:
    settings = resolve(addr="deals.example.com", environ=sandbox(tmp_path))
    assert (settings.port, settings.token, settings.ca_file) == (7443, None, None)
    assert settings.token_search == ("token=", "DEALS_TOKEN")


def test_empty_environment_values_are_unset(tmp_path: Path) -> None:
    settings = resolve(environ=sandbox(tmp_path) | {"DEALS_TOKEN": "", "DEALS_ADDR": ""})
    assert settings.token == "local-admin-token"
    assert settings.address == "127.0.0.1:7443"


def test_default_profile_is_used_without_current(tmp_path: Path) -> None:
    profile = '{"profiles": {"default": {"addr": "[::1]:7000"}}}'
    settings = resolve(environ=sandbox(tmp_path, profile))
    assert (settings.host, settings.port, settings.address) == ("::1", 7000, "[::1]:7000")
    assert settings.token == "local-admin-token"  # ::1 is loopback: the local daemon's token applies


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"profile": "nope"}, 'no profile "nope" in'),
        ({"addr": "a:b:c"}, 'invalid address "a:b:c" from addr='),
        ({"addr": "host:99999"}, "invalid address"),
        ({"addr": "[::1"}, "invalid address"),
        ({"cert": "c.pem"}, "a client certificate needs its key"),
        ({"key": "k.pem"}, "a client key needs its certificate"),
    ],
)
def test_bad_settings_say_what_is_wrong(tmp_path: Path, arguments: dict[str, str], message: str) -> None:
    with pytest.raises(DealStoreError) as caught:
        resolve(environ=sandbox(tmp_path, PROFILE), **arguments)  # type: ignore[arg-type]
    assert caught.value.code == StatusCode.INVALID_ARGUMENT
    assert message in caught.value.message


def test_unreadable_profile_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DealStoreError, match="cannot read profile file"):
        resolve(environ=sandbox(tmp_path, "{not json"))
