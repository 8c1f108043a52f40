import LetheWire

/// Why the client refused a well-formed message or could not carry it out; each case becomes the `Error` reply.
///
/// Wire-level problems (bad bytes, shapes, NaNs) are `WireError`s from `WireCodec.decode`; these are the
/// protocol-level ones: the message is valid but the client's state does not allow it.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A message that needs the global model arrived before any ModelWeights.
    case noModel(needed: String)
    /// The request names a model version other than the one installed.
    case staleModel(held: UInt64, requested: UInt64)
    /// ModelWeights whose parameters do not fit the client's architecture.
    case parameterCount(expected: Int, actual: Int)
    /// ModelWeights whose SHA-256 is absent or disagrees with the parameters.
    case checksum(version: UInt64, detail: String)
    /// A phase or saliency request for a deletion this client holds no forget data of.
    case unknownRequest(String)
    /// A phase that needs the MaskBroadcast before it.
    case missingMask(request: String)
    /// The contrastive phase before GlobalStats.
    case missingStatistics(request: String)
    /// A mask or statistics that do not match the model.
    case mismatch(field: String, detail: String)
    /// A body kind a client never receives (Hello, TrainUpdate, SaliencyReport …).
    case unexpected(kind: String)
    /// A message number already answered and no longer in the replay window.
    case replayed(messageNumber: UInt64)
    /// Local computation failed (diverged training, bad statistics); the message says which step.
    case computation(step: String, reason: String)

    public var description: String {
        switch self {
        case .noModel(let needed):
            "\(needed) needs the global model, but no ModelWeights has been installed yet; broadcast the model first"
        case .staleModel(let held, let requested):
            "the client holds model version \(held), but the request names version \(requested); "
                + "send ModelWeights for version \(requested) first"
        case .parameterCount(let expected, let actual):
            "the model has \(expected) parameters, the message carries \(actual); both sides must use the same architecture"
        case .checksum(let version, let detail):
            "ModelWeights version \(version) failed its SHA-256 check (\(detail)); the model was not installed"
        case .unknownRequest(let id):
            "no forget data is recorded for deletion request \(id); forward the DeletionRequest to this client first"
        case .missingMask(let request):
            "request \(request) has no saliency mask yet; send MaskBroadcast before the phase"
        case .missingStatistics(let request):
            "request \(request) has no global statistics yet; send GlobalStats before the contrastive phase"
        case .mismatch(let field, let detail): "\(field): \(detail)"
        case .unexpected(let kind): "a client does not accept \(kind) messages; they go to the coordinator"
        case .replayed(let number):
            "message number \(number) was already answered and is outside the replay window; send a new message"
        case .computation(let step, let reason): "\(step) failed: \(reason)"
        }
    }

    /// The protocol error code of the reply.
    public var code: Lethe_V1_ErrorCode {
        switch self {
        case .missingMask, .missingStatistics: .unexpectedMessage
        // Both are mended by the same step: the coordinator sends its current model, then the request again.
        case .noModel, .staleModel: .staleModel
        case .replayed: .staleRound
        case .parameterCount, .mismatch: .shapeMismatch
        case .checksum: .invalidValue
        case .unknownRequest: .unknownJob
        case .unexpected: .unexpectedMessage
        case .computation: .internal
        }
    }

    /// The `Error` body answering the message numbered `messageNumber`.
    public func errorBody(inReplyTo messageNumber: UInt64) -> Lethe_V1_Error {
        var body = Lethe_V1_Error()
        body.code = code
        body.message = description
        if case .mismatch(let field, _) = self { body.field = field }
        body.inReplyTo = messageNumber
        return body
    }
}
