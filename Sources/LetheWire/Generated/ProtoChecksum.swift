// Written by Proto/generate.sh; do not edit. A test recomputes this from Proto/lethe/v1/*.proto.

/// SHA-256 (hex) of the .proto files the committed generated code was made from, concatenated in sorted path order.
public let protoChecksum = "431c7829fbec3d681541b0394ad0f3d7ba8b40f95d11ac53e8331ca888672b44"

/// The .proto files behind `protoChecksum`, relative to Proto/, in the order they were concatenated.
public let protoChecksumFiles = ["lethe/v1/envelope.proto", "lethe/v1/error.proto", "lethe/v1/federation.proto", "lethe/v1/tensor.proto", "lethe/v1/unlearning.proto"]
