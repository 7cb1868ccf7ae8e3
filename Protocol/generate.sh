#!/usr/bin/env bash
# Regenerates the Swift code for Protocol/dealstore/v1/*.proto. The output is committed: CI never runs this.
#
#   Protocol/generate.sh
#
# Needs protoc (Debian's protobuf-compiler, installed with apt-get if missing) and protoc-gen-swift, which this
# script builds from the swift-protobuf copy that SwiftPM resolved for the package (same version as the runtime).
# First run: about 1.5 minutes to build the plugin on 2 cores; later runs reuse it (a few seconds).
#
#   model.proto, query.proto -> Sources/DealModel/Generated      (the data model the store keeps)
#   everything else          -> Sources/DealProtocol/Generated   (wire control messages and service messages)
#   every .proto             -> Clients/python/src/dealstore/v1  (*_pb2.py and *_pb2.pyi of the Python package)
#
#   Protocol/generate.sh python   regenerates only the Python modules (protoc alone, no Swift plugin build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
tools="$root/.build-protoc"

if ! command -v protoc >/dev/null; then
    echo "installing protobuf-compiler" >&2
    apt-get update -qq && apt-get install -y -qq protobuf-compiler >/dev/null
fi

# Python: protoc's own generator. The package is named dealstore, so the modules' imports (`from dealstore.v1
# import model_pb2`) resolve inside it. protoc 3.21 writes code for the protobuf 4.21+ runtime (pyproject.toml).
python_out="$root/Clients/python/src"
rm -f "$python_out"/dealstore/v1/*_pb2.py "$python_out"/dealstore/v1/*_pb2.pyi
(cd "$here" && protoc -I . --python_out="$python_out" --pyi_out="$python_out" dealstore/v1/*.proto)
echo "generated:" >&2
ls "$python_out"/dealstore/v1/*_pb2.py* >&2
if [[ "${1:-}" == "python" ]]; then
    exit 0
fi

plugin="${PROTOC_GEN_SWIFT:-$tools/src/.build/release/protoc-gen-swift}"
if [[ ! -x "$plugin" ]]; then
    version="$(sed -n 's/.*swift-protobuf.git", from: "\([0-9.]*\)".*/\1/p' "$root/Package.swift")"
    echo "building protoc-gen-swift $version (about 1.5 minutes)" >&2
    rm -rf "$tools/src"
    mkdir -p "$tools"
    git clone -q https://github.com/apple/swift-protobuf.git "$tools/src"
    git -C "$tools/src" checkout -q "$version"
    swift build -c release --package-path "$tools/src" --product protoc-gen-swift >&2
fi

gen() {
    local out="$1"; shift
    rm -rf "$out"
    mkdir -p "$out"
    protoc --plugin=protoc-gen-swift="$plugin" -I "$here" \
        --swift_opt=Visibility=Public \
        --swift_opt=FileNaming=PathToUnderscores \
        --swift_opt=ProtoPathModuleMappings="$here/module-mappings.asciipb" \
        --swift_out="$out" "$@"
}

cd "$here"
gen "$root/Sources/DealModel/Generated" dealstore/v1/model.proto dealstore/v1/query.proto
gen "$root/Sources/DealProtocol/Generated" $(ls dealstore/v1/*.proto | grep -v -e model.proto -e query.proto)
# Generated code is not ours to format: `swift format lint` skips files that start with this marker.
for f in "$root"/Sources/DealModel/Generated/*.swift "$root"/Sources/DealProtocol/Generated/*.swift; do
    printf '// swift-format-ignore-file\n%s\n' "$(cat "$f")" > "$f"
done
echo "generated:" >&2
find "$root/Sources/DealModel/Generated" "$root/Sources/DealProtocol/Generated" -name '*.swift' >&2
