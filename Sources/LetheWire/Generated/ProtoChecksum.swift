// Written by Proto/generate.sh; do not edit. A test recomputes this from Proto/lethe/v1/*.proto.

/// SHA-256 (hex) of the .proto files the committed generated code was made from, concatenated in sorted path order.
public let protoChecksum = "ef5b86a2ef3058a8e84c9964a46f574aceafd68b862e1d0c91c63a51879e5746"

/// The .proto files behind `protoChecksum`, relative to Proto/, in the order they were concatenated.
public let protoChecksumFiles = ["lethe/v1/envelope.proto", "lethe/v1/error.proto", "lethe/v1/federation.proto", "lethe/v1/tensor.proto", "lethe/v1/unlearning.proto"]
