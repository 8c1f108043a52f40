/// Why a certificate could not be made, read or accepted. Each case's text is what `lethe certificate verify` prints
/// before exiting non-zero, so it names what was checked and what was found.
public enum CertificateError: Error, Equatable, CustomStringConvertible {
    /// The file is not a certificate this version reads (not JSON, a missing field, another format).
    case malformed(String)
    /// The signature does not hold: contents changed after signing, or another key signed it.
    case signature(String)
    /// The model file is not the certificate's after-model.
    case model(String)
    /// The ids file is not the set the certificate commits to.
    case ids(String)
    /// A key file could not be read, made or trusted.
    case key(String)

    public var description: String {
        switch self {
        case .malformed(let detail): "not a readable Lethe deletion certificate: \(detail)"
        case .signature(let detail): "signature rejected: \(detail)"
        case .model(let detail): "model rejected: \(detail)"
        case .ids(let detail): "ids rejected: \(detail)"
        case .key(let detail): "signing key: \(detail)"
        }
    }
}
