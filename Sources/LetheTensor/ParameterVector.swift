/// All trainable weights of a model in one flat arena, with named views ("conv1.weight", …).
///
/// Why one buffer: optimisers, saliency scores, weight masks, sparse deltas, FedAvg and the wire all work on
/// "the model as one vector"; with a flat arena each of those is a single loop or a single blob, and a weight's
/// index means the same thing everywhere. Gradients live in a second arena of the same layout.
///
/// A reference type so that the layers of a model and its optimiser share the same storage.
public final class ParameterVector {
    /// One named view into the arena.
    public struct Entry: Equatable, Sendable, Codable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    /// The views, in registration order (which is also arena order).
    public private(set) var entries: [Entry] = []
    /// The weights.
    public var values: [Float] = []
    /// ∂loss/∂weights, accumulated by backward passes until `zeroGradients()`.
    public var gradients: [Float] = []

    public init() {}

    /// Total number of weights.
    public var count: Int { values.count }

    /// Appends a named view of `shape` and returns it; names must be unique.
    @discardableResult
    public func register(_ name: String, shape: [Int]) -> Entry {
        precondition(entry(named: name) == nil, "parameter \(name) registered twice")
        let entry = Entry(name: name, shape: shape, offset: values.count)
        entries.append(entry)
        values.append(contentsOf: repeatElement(0, count: entry.count))
        gradients.append(contentsOf: repeatElement(0, count: entry.count))
        return entry
    }

    /// The view called `name`, if any.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// A copy of one view's weights as a tensor of its shape.
    public func tensor(named name: String) -> Tensor? {
        guard let e = entry(named: name) else { return nil }
        return Tensor(shape: e.shape, storage: Array(values[e.range]))
    }

    /// A copy of one view's gradients as a tensor of its shape.
    public func gradient(named name: String) -> Tensor? {
        guard let e = entry(named: name) else { return nil }
        return Tensor(shape: e.shape, storage: Array(gradients[e.range]))
    }

    /// Sets every gradient to zero (before a new backward pass).
    public func zeroGradients() {
        gradients.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// An independent copy with the same layout, weights and gradients.
    public func copy() -> ParameterVector {
        let clone = ParameterVector()
        clone.entries = entries
        clone.values = values
        clone.gradients = gradients
        return clone
    }
}
