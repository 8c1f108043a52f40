// Written by Proto/generate.sh; do not edit. A test recomputes this from Proto/lethe/v1/*.proto.

/// SHA-256 (hex) of the .proto files the committed generated code was made from, concatenated in sorted path order.
public let protoChecksum = "8ee9494f20fab3a20af336cb3246442335b5281b2dc850b932009ae7b2767826"

/// The .proto files behind `protoChecksum`, relative to Proto/, in the order they were concatenated.
public let protoChecksumFiles = ["lethe/v1/envelope.proto", "lethe/v1/error.proto", "lethe/v1/federation.proto", "lethe/v1/tensor.proto", "lethe/v1/unlearning.proto"]
