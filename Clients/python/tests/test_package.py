"""The package as shipped: generated modules up to date with the .proto files, typed, one error type."""

from __future__ import annotations

import filecmp
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PACKAGE_ROOT, REPOSITORY_ROOT

import dealstore
from dealstore import DealStoreError, StatusCode


def test_committed_pb2_modules_match_the_protos(tmp_path: Path) -> None:
    protoc = shutil.which("protoc")
    if protoc is None:
        pytest.fail("protoc not found: apt-get install protobuf-compiler (.ci/run installs it)", pytrace=False)
    protocol = REPOSITORY_ROOT / "Protocol"
    protos = sorted(str(p.relative_to(protocol)) for p in (protocol / "dealstore" / "v1").glob("*.proto"))
    subprocess.run(
        [protoc, "-I", str(protocol), f"--python_out={tmp_path}", f"--pyi_out={tmp_path}", *protos], check=True
    )
    committed = PACKAGE_ROOT / "src" / "dealstore" / "v1"
    generated = sorted(p.name for p in (tmp_path / "dealstore" / "v1").iterdir())
    assert generated == sorted(p.name for p in committed.glob("*_pb2.py*"))
    stale = [
        name
        for name in generated
        if not filecmp.cmp(tmp_path / "dealstore" / "v1" / name, committed / name, shallow=False)
    ]
    assert not stale, f"run Protocol/generate.sh python: {stale} differ from the .proto files"


def test_the_package_is_typed() -> None:
    assert (PACKAGE_ROOT / "src" / "dealstore" / "py.typed").exists()


def test_status_codes_have_grpc_names_and_numbers() -> None:
    assert [(code.name, int(code)) for code in StatusCode][:3] == [("OK", 0), ("CANCELLED", 1), ("UNKNOWN", 2)]
    assert StatusCode.UNAUTHENTICATED == 16 and len(StatusCode) == 17
    assert StatusCode.from_wire(99) is StatusCode.UNKNOWN


def test_errors_carry_code_message_details_and_survive_pickling() -> None:
    error = DealStoreError(StatusCode.OUT_OF_RANGE, "watch again", {"resume-revision": "12"})
    assert str(error) == "OUT_OF_RANGE (11): watch again"
    copy = pickle.loads(pickle.dumps(error))  # multiprocessing and notebook tooling pickle exceptions
    assert (copy.code, copy.message, copy.details) == (error.code, error.message, error.details)
    assert dealstore.__version__
