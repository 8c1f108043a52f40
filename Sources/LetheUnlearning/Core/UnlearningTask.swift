import LetheData
import LetheTensor

/// The data of one unlearning request: a training pool split into what must be forgotten and what is kept.
///
/// Positions index `train`. `heldOut` is data the model never trained on (the validation split), used for
/// early stopping and for GC's non-member gradient norm; it may be empty.
public struct UnlearningTask: Sendable {
    public let train: ImageDataset
    public let forget: [Int]
    public let retain: [Int]
    public let heldOut: [Int]
    public let normalization: Normalization

    /// - Parameter allowEmptyRetain: a federated client whose *whole* data is deleted holds no retained data; its
    ///   methods then skip retain steps (centrally, an empty D_r is an error: nothing would be left to learn from).
    public init(train: ImageDataset, forget: [Int], retain: [Int], heldOut: [Int] = [],
                normalization: Normalization = .fashionMNIST, allowEmptyRetain: Bool = false) throws {
        guard !forget.isEmpty else { throw UnlearningError.emptyForgetSet }
        guard !retain.isEmpty || allowEmptyRetain else { throw UnlearningError.emptyRetainSet }
        guard Set(forget).isDisjoint(with: retain) else { throw UnlearningError.overlappingSets }
        self.train = train
        self.forget = forget
        self.retain = retain
        self.heldOut = heldOut
        self.normalization = normalization
    }

    /// A normalised batch of the training pool.
    public func batch(_ positions: some Collection<Int>) -> (images: Tensor, labels: [Int32]) {
        train.batch(positions, normalization: normalization)
    }
}

/// Why an unlearning run could not start or went wrong.
public enum UnlearningError: Error, Equatable, CustomStringConvertible {
    case emptyForgetSet
    case emptyRetainSet
    case overlappingSets
    case unknownMethod(String)
    case invalidConfiguration(method: String, reason: String)
    case diverged(method: String, phase: String)

    public var description: String {
        switch self {
        case .emptyForgetSet: return "the forget set is empty: the forget specification selected no sample"
        case .emptyRetainSet: return "the retain set is empty: the forget specification selected every sample"
        case .overlappingSets: return "forget and retain sets overlap"
        case .unknownMethod(let name):
            return "unknown method '\(name)'; choose one of \(MethodName.allCases.map(\.rawValue).joined(separator: ", "))"
        case .invalidConfiguration(let method, let reason): return "\(method): invalid configuration: \(reason)"
        case .diverged(let method, let phase):
            return "\(method) diverged during \(phase) (loss or weights became NaN); lower its learning rate"
        }
    }
}
