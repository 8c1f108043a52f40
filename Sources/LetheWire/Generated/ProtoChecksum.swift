// Written by Proto/generate.sh; do not edit. A test recomputes this from Proto/lethe/v1/*.proto.

/// SHA-256 (hex) of the .proto files the committed generated code was made from, concatenated in sorted path order.
public let protoChecksum = "9304c98e44a72bd41647680000e9eb86d8fd5ba669fbe04c9ca8a415b2b6a89d"

/// The .proto files behind `protoChecksum`, relative to Proto/, in the order they were concatenated.
public let protoChecksumFiles = ["lethe/v1/envelope.proto", "lethe/v1/error.proto", "lethe/v1/federation.proto", "lethe/v1/tensor.proto", "lethe/v1/unlearning.proto"]
