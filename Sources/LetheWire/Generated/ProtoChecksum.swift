// Written by Proto/generate.sh; do not edit. A test recomputes this from Proto/lethe/v1/*.proto.

/// SHA-256 (hex) of the .proto files the committed generated code was made from, concatenated in sorted path order.
public let protoChecksum = "582ae52bc9e70b462be1ca4ce29c68127072b381757ed57ec0be61e8cd4c4e42"

/// The .proto files behind `protoChecksum`, relative to Proto/, in the order they were concatenated.
public let protoChecksumFiles = ["lethe/v1/envelope.proto", "lethe/v1/error.proto", "lethe/v1/federation.proto", "lethe/v1/status.proto", "lethe/v1/tensor.proto", "lethe/v1/unlearning.proto"]
