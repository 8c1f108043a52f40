import LetheData

/// The private data of one client: its training partition (with the stable sample ids deletion requests name) and
/// its local test slice. Nothing in here ever leaves the client; only weights, masks, deltas, statistics and
/// metrics computed from it do.
public struct ClientData: Sendable {
    /// The client's training samples; `train.ids` are ids in the full data set (Fashion-MNIST file positions).
    public let train: ImageDataset
    /// The client's local test slice (for TA and as MIA non-members); never trained on.
    public let test: ImageDataset
    /// Position in `train` of every sample id, so a deletion request's ids map to local positions in O(1).
    public let positionByID: [Int: Int]

    /// - Precondition: sample ids in `train` are distinct (they are file positions, so a subset keeps them so).
    public init(train: ImageDataset, test: ImageDataset) {
        precondition(train.classCount == test.classCount, "train and test slices must share the class count")
        self.train = train
        self.test = test
        var index: [Int: Int] = [:]
        index.reserveCapacity(train.count)
        for (position, id) in train.ids.enumerated() {
            precondition(index.updateValue(position, forKey: id) == nil, "sample id \(id) appears twice")
        }
        positionByID = index
    }

    /// Number of classes the model predicts.
    public var classCount: Int { train.classCount }

    /// Local positions of the given sample ids, and the ids this client does not hold.
    public func positions(ofIDs ids: [Int]) -> (positions: [Int], unknown: [Int]) {
        var positions: [Int] = [], unknown: [Int] = []
        for id in ids {
            if let position = positionByID[id] { positions.append(position) } else { unknown.append(id) }
        }
        return (Array(Set(positions)).sorted(), unknown)
    }
}

extension ClientData {
    /// This share with `canary` stamped on the samples `ids` names, relabelled to its target, as a poisoned
    /// contribution loaded before training would be (`lethe client --canary` and the virtual clients of
    /// `lethe simulate` both poison this way). Every id must be held here: a guessed-around id would leave a
    /// request's canary partly unplanted.
    public func poisoned(by canary: Canary, ids: [Int]) throws(CanaryError) -> ClientData {
        let (positions, unknown) = positions(ofIDs: ids)
        guard unknown.isEmpty else { throw .samplesNotHeld(count: unknown.count, examples: Array(unknown.prefix(3))) }
        return ClientData(train: try canary.stamped(train, at: positions, relabel: true), test: test)
    }
}
