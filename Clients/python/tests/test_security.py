"""Credentials: bearer tokens, server verification against the CA, and mutual TLS with a client certificate."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Daemon

import dealstore
from dealstore import DealStoreError, StatusCode
from dealstore.v1 import model_pb2


def openssl(*arguments: str) -> None:
    subprocess.run(["openssl", *arguments], check=True, capture_output=True, stdin=subprocess.DEVNULL)


def test_no_token_reaches_only_the_anonymous_methods(daemon: Daemon) -> None:
    with dealstore.connect(daemon.addr, ca=daemon.ca, environ={}) as anonymous:
        assert anonymous.health().status == 1
        assert anonymous.server_info().caller_role == ""
        with pytest.raises(DealStoreError) as caught:
            anonymous.get_deal("amazon-anthropic-2023")
        assert caught.value.code == StatusCode.UNAUTHENTICATED


def test_a_bad_token_is_refused_even_on_anonymous_methods(daemon: Daemon) -> None:
    with dealstore.connect(daemon.addr, ca=daemon.ca, token="dst_not-a-real-token", environ={}) as client:
        for call in (lambda: list(client.list_deals()), client.health):
            with pytest.raises(DealStoreError) as caught:
                call()
            assert caught.value.code == StatusCode.UNAUTHENTICATED
            assert caught.value.message


def test_a_token_file_from_the_profile_is_read_and_trimmed(daemon: Daemon, tmp_path: Path) -> None:
    (tmp_path / "token").write_text(f"\n  {daemon.admin_token}  \n")
    (tmp_path / "deals").mkdir()
    profile = {"addr": daemon.addr, "ca": daemon.ca, "tokenFile": f"{tmp_path}/token"}
    (tmp_path / "deals" / "profile.json").write_text(json.dumps({"profiles": {"default": profile}}))
    with dealstore.connect(environ={"XDG_CONFIG_HOME": str(tmp_path)}) as client:
        assert client.server_info().caller_role == "admin"


def test_a_server_certificate_from_another_ca_is_refused_at_once(daemon: Daemon, tmp_path: Path) -> None:
    other_ca = tmp_path / "other-ca.pem"
    key = tmp_path / "other-ca-key.pem"
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key), "-out", str(other_ca), "-days", "1", "-subj", "/CN=Other CA")  # fmt: skip
    started = time.monotonic()
    with pytest.raises(DealStoreError) as caught:
        dealstore.connect(daemon.addr, ca=str(other_ca), token=daemon.admin_token, environ={})
    assert caught.value.code == StatusCode.UNAVAILABLE
    assert "not trusted" in caught.value.message and "ca=" in caught.value.message
    assert caught.value.details.get("tls") == "true"
    assert time.monotonic() - started < 5  # a certificate failure is not retried with backoff


def test_a_missing_ca_file_is_a_clear_argument_error(daemon: Daemon, tmp_path: Path) -> None:
    with pytest.raises(DealStoreError) as caught:
        dealstore.connect(daemon.addr, ca=str(tmp_path / "missing.pem"), environ={})
    assert caught.value.code == StatusCode.INVALID_ARGUMENT and "missing.pem" in caught.value.message


MTLS_CONFIG = """\
tls:
  client_certificates: required
auth:
  certificate_roles:
    "cn:pytest-reader": read
"""


def issue_client_certificate(daemon: Daemon, directory: Path, common_name: str) -> tuple[str, str]:
    """A client certificate for `common_name` signed by the daemon's development CA."""
    key, request, certificate = directory / "client-key.pem", directory / "client.csr", directory / "client.pem"
    extensions = directory / "client.ext"
    extensions.write_text("extendedKeyUsage = clientAuth\nbasicConstraints = CA:FALSE\n")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key), "-out", str(request), "-subj", f"/CN={common_name}")  # fmt: skip
    openssl("x509", "-req", "-in", str(request), "-CA", daemon.ca, "-CAkey", str(daemon.data_dir / "ca-key.pem"),
            "-CAcreateserial", "-out", str(certificate), "-days", "1", "-extfile", str(extensions))  # fmt: skip
    return str(certificate), str(key)


def test_mutual_tls_authenticates_by_certificate(fresh_daemon: Callable[..., Daemon], tmp_path: Path) -> None:
    server = fresh_daemon(MTLS_CONFIG)
    cert, key = issue_client_certificate(server, tmp_path, "pytest-reader")
    with dealstore.connect(server.addr, ca=server.ca, cert=cert, key=key, environ={}) as client:
        assert client.server_info().caller_role == "read"  # no token: the certificate decided
        assert client.get_deal("amazon-anthropic-2023").id == "amazon-anthropic-2023"
        with pytest.raises(DealStoreError) as caught:
            client.create_organization(model_pb2.Organization(name="Not Allowed"))
        assert caught.value.code == StatusCode.PERMISSION_DENIED

    started = time.monotonic()
    with pytest.raises(DealStoreError) as refused:
        dealstore.connect(server.addr, ca=server.ca, token=server.admin_token, environ={})  # no certificate
    assert refused.value.code == StatusCode.UNAVAILABLE and refused.value.details.get("tls") == "true"
    assert time.monotonic() - started < 5
