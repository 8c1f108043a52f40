#!/usr/bin/env bash
# Regenerates the committed wire code from Proto/lethe/v1/*.proto:
#   Swift (protoc + protoc-gen-swift)  -> Sources/LetheWire/Generated/*.pb.swift
#   C     (protoc-c)                   -> Sources/CLetheClient/generated/ (.c) and Sources/CLetheClient/include/ (.h)
# and records the SHA-256 of the .proto files in Sources/LetheWire/Generated/ProtoChecksum.swift, which a test
# recomputes so stale generated code fails CI. CI never runs this script; run it after editing a .proto and commit.
#
# protoc-gen-swift is built once outside the repository (about 2 minutes):
#   git clone /opt/swift-packages/apple/swift-protobuf.git /work/tools/swift-protobuf
#   cd /work/tools/swift-protobuf && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
# Override its location with PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
plugin="${PROTOC_GEN_SWIFT:-/work/tools/swift-protobuf/.build/release/protoc-gen-swift}"
for tool in protoc protoc-c sha256sum; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found (apt-get install protobuf-compiler protobuf-c-compiler coreutils)" >&2; exit 1; }
done
[ -x "$plugin" ] || { echo "generate.sh: protoc-gen-swift not found at $plugin; build it as described at the top of this script" >&2; exit 1; }

# The order here is the order of the checksum; the test concatenates in the same (sorted) order.
protos=$(cd Proto && LC_ALL=C ls lethe/v1/*.proto | LC_ALL=C sort)

swift_out=Sources/LetheWire/Generated
c_src=Sources/CLetheClient/generated
c_inc=Sources/CLetheClient/include
rm -f "$swift_out"/*.pb.swift
rm -rf "$c_src/lethe" "$c_inc/lethe"
mkdir -p "$swift_out" "$c_src" "$c_inc"

(cd Proto && protoc --plugin=protoc-gen-swift="$plugin" --swift_out="$root/$swift_out" \
   --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath -I. $protos)

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd Proto && protoc-c --c_out="$tmp" -I. $protos)
mkdir -p "$c_src/lethe/v1" "$c_inc/lethe/v1"
mv "$tmp"/lethe/v1/*.pb-c.c "$c_src/lethe/v1/"
mv "$tmp"/lethe/v1/*.pb-c.h "$c_inc/lethe/v1/"

sum=$(cd Proto && cat $protos | sha256sum | cut -d' ' -f1)
cat > "$swift_out/ProtoChecksum.swift" <<SWIFT
// Written by Proto/generate.sh; do not edit. A test recomputes this from Proto/lethe/v1/*.proto.

/// SHA-256 (hex) of the .proto files the committed generated code was made from, concatenated in sorted path order.
public let protoChecksum = "$sum"

/// The .proto files behind \`protoChecksum\`, relative to Proto/, in the order they were concatenated.
public let protoChecksumFiles = [$(echo $protos | sed 's/\([^ ]*\)/"\1"/g; s/ /, /g')]
SWIFT
echo "generate.sh: regenerated Swift and C code; proto checksum $sum"
