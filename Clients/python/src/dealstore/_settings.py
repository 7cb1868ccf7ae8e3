"""Connection settings, resolved exactly as the ``deals`` CLI resolves them.

Mirrors Sources/DealClient/Configuration/DealConnectionResolver.swift field by field: each setting comes from the first
layer that sets it: arguments, then ``DEALS_ADDR``/``DEALS_TOKEN``/``DEALS_CA``/``DEALS_CERT``/``DEALS_KEY``, then
the profile file, then (for a loopback address only, so a local admin token never reaches a remote server) the
local ``dealsd`` data directory. So ``dealstore.connect()`` works wherever ``deals list`` does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from dealstore._errors import DealStoreError, StatusCode

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7443
CA_FILE_NAME = "ca.pem"
ADMIN_TOKEN_FILE_NAME = "admin.token"


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect and with which credentials, and where each setting came from (for error messages)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    address_source: str = "the default"
    token_source: str | None = None
    ca_source: str | None = None
    token_search: tuple[str, ...] = field(default=())

    @property
    def address(self) -> str:
        """``host:port``, with brackets around an IPv6 host."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        """The same test as the CLI's: localhost, 127.x or ::1."""
        return self.host == "localhost" or self.host.startswith("127.") or self.host == "::1"


def _invalid(message: str) -> DealStoreError:
    return DealStoreError.local(StatusCode.INVALID_ARGUMENT, message)


def data_directory(environ: Mapping[str, str]) -> str:
    """The local dealsd data directory: $DEALSD_DATA_DIR, $XDG_STATE_HOME/dealstore, ~/.local/state/dealstore."""
    if environ.get("DEALSD_DATA_DIR"):
        return environ["DEALSD_DATA_DIR"]
    if environ.get("XDG_STATE_HOME"):
        return environ["XDG_STATE_HOME"] + "/dealstore"
    if environ.get("HOME"):
        return environ["HOME"] + "/.local/state/dealstore"
    return "dealstore-data"


def profile_path(environ: Mapping[str, str]) -> str | None:
    """$XDG_CONFIG_HOME/deals/profile.json, else $HOME/.config/deals/profile.json, else None."""
    if environ.get("XDG_CONFIG_HOME"):
        return environ["XDG_CONFIG_HOME"] + "/deals/profile.json"
    if environ.get("HOME"):
        return environ["HOME"] + "/.config/deals/profile.json"
    return None


def parse_address(text: str, source: str) -> tuple[str, int]:
    """Splits ``host:port``, ``[v6]:port`` or ``host`` (port 7443), as the CLI does."""
    invalid = _invalid(f'invalid address "{text}" from {source}; expected host:port, e.g. 127.0.0.1:7443 or [::1]:7443')
    host = text
    port_text: str | None = None
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise invalid
        host = text[1:close]
        rest = text[close + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise invalid
            port_text = rest[1:]
    elif ":" in text:
        if text.count(":") != 1:
            raise invalid
        host, _, port_text = text.partition(":")
    if not host or " " in host or "/" in host:
        raise invalid
    if port_text is None:
        return host, DEFAULT_PORT
    if not port_text.isascii() or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise invalid
    return host, int(port_text)


def _read_token(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    except (OSError, UnicodeDecodeError) as error:
        raise _invalid(f"cannot read token file {path}: {error}") from error


def _expand_home(path: str, environ: Mapping[str, str]) -> str:
    home = environ.get("HOME")
    if path.startswith("~/") and home is not None:
        return home + path[1:]
    return path


def _load_profile(path: str, name: str | None, environ: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The chosen profile's settings (``tokenFile`` and paths expanded) and its label; ({}, "no profile")."""
    if not os.path.exists(path):
        document: object = None
    else:
        try:
            with open(path, encoding="utf-8") as file:
                document = json.load(file)
        except (OSError, ValueError) as error:
            raise _invalid(f"cannot read profile file {path}: {error}; see `deals --help` for its format") from error
        if not isinstance(document, dict) or not isinstance(document.get("profiles"), dict):
            raise _invalid(
                f'cannot read profile file {path}: it needs an object with "profiles"; '
                "see `deals --help` for its format"
            )
    profiles: dict[str, object] = document.get("profiles", {}) if isinstance(document, dict) else {}
    current = document.get("current") if isinstance(document, dict) else None
    chosen = name or (current if isinstance(current, str) else None) or ("default" if "default" in profiles else None)
    if chosen is None:
        return {}, "no profile"
    profile = profiles.get(chosen)
    if not isinstance(profile, dict):
        known = ", ".join(sorted(profiles))
        raise _invalid(
            f'no profile "{chosen}" in {path}' + (f" (known: {known})" if known else " (the file has no profiles)")
        )
    settings: dict[str, str] = {}
    for key in ("addr", "token", "tokenFile", "ca", "cert", "key"):
        value = profile.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _invalid(f'cannot read profile file {path}: "{key}" of profile "{chosen}" must be a string')
        settings[key] = value if key in ("addr", "token") else _expand_home(value, environ)
    return settings, f'profile "{chosen}" ({path})'


def resolve(
    *,
    addr: str | None = None,
    token: str | None = None,
    ca: str | None = None,
    cert: str | None = None,
    key: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ConnectionSettings:
    """Resolves the connection settings; raises DealStoreError (INVALID_ARGUMENT) on a bad layer.

    ``environ`` defaults to ``os.environ``; ``profile`` picks a profile by name (the file's ``current``, else
    ``default``, else none).
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    arguments = {"addr": addr, "token": token, "ca": ca, "cert": cert, "key": key}
    variables = {
        "addr": "DEALS_ADDR",
        "token": "DEALS_TOKEN",
        "ca": "DEALS_CA",
        "cert": "DEALS_CERT",
        "key": "DEALS_KEY",
    }
    environment = {name: env[variable] for name, variable in variables.items() if env.get(variable)}
    path = profile_path(env)
    profile_settings: dict[str, str] = {}
    profile_label = "no profile"
    if path is not None:
        profile_settings, profile_label = _load_profile(path, profile, env)
    elif profile is not None:
        raise _invalid(f"profile {profile} given but neither HOME nor XDG_CONFIG_HOME is set")

    def pick(name: str) -> tuple[str, str] | None:
        # Each field from the first layer that sets it, so ca= with a profile's token works.
        if arguments[name] is not None:
            return arguments[name] or "", f"{name}="
        if name in environment:
            return environment[name], variables[name]
        if name in profile_settings:
            return profile_settings[name], profile_label
        return None

    host, port, address_source = DEFAULT_HOST, DEFAULT_PORT, "the default"
    picked = pick("addr")
    if picked is not None:
        host, port = parse_address(picked[0], picked[1])
        address_source = picked[1]
    loopback = ConnectionSettings(host=host).is_loopback
    directory = data_directory(env)
    local_ca = directory + "/" + CA_FILE_NAME
    local_token = directory + "/" + ADMIN_TOKEN_FILE_NAME

    ca_file: str | None = None
    ca_source: str | None = None
    picked = pick("ca")
    if picked is not None:
        ca_file, ca_source = picked
    elif loopback and os.path.exists(local_ca):
        ca_file, ca_source = local_ca, "the local dealsd data directory"

    picked = pick("cert")
    cert_file = picked[0] if picked is not None else None
    picked = pick("key")
    key_file = picked[0] if picked is not None else None
    if cert_file is not None and key_file is None:
        raise _invalid("a client certificate needs its key: pass key= or set DEALS_KEY")
    if key_file is not None and cert_file is None:
        raise _invalid("a client key needs its certificate: pass cert= or set DEALS_CERT")

    resolved_token: str | None = None
    token_source: str | None = None
    search = ["token=", "DEALS_TOKEN"]
    picked = pick("token")
    if picked is not None:
        resolved_token, token_source = picked
    elif "tokenFile" in profile_settings:
        resolved_token = _read_token(profile_settings["tokenFile"])
        token_source = f"{profile_settings['tokenFile']} ({profile_label})"
    else:
        if profile_label != "no profile":
            search.append(profile_label)
        if loopback:
            search.append(local_token)
            if os.path.exists(local_token):
                resolved_token, token_source = _read_token(local_token), local_token
    return ConnectionSettings(
        host=host,
        port=port,
        token=resolved_token,
        ca_file=ca_file,
        cert_file=cert_file,
        key_file=key_file,
        address_source=address_source,
        token_source=token_source,
        ca_source=ca_source,
        token_search=tuple(search),
    )
