import Foundation
import LetheData
import LetheTensor

/// How the simulation splits Fashion-MNIST among clients, so that client i of N can compute its own share
/// independently (every client process runs the same deterministic split and keeps only its part).
public struct ClientPartition: Equatable, Sendable {
    /// IID shares or label-skewed Dirichlet(α) shares (Hsu et al. 2019).
    public enum Kind: Equatable, Sendable, CustomStringConvertible {
        case iid
        case dirichlet(alpha: Double)

        /// Parses `iid` or `dirichlet:α` (the `--partition` flag's form).
        public init(parsing text: String) throws(PartitionSpecError) {
            if text == "iid" { self = .iid; return }
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0] == "dirichlet", let alpha = Double(parts[1]), alpha > 0, alpha.isFinite
            else { throw .badKind(text) }
            self = .dirichlet(alpha: alpha)
        }

        public var description: String {
            switch self {
            case .iid: "iid"
            case .dirichlet(let alpha): "dirichlet:\(alpha)"
            }
        }
    }

    /// Seed of the split (the same for every client of one simulation).
    public var seed: UInt64
    /// Number of clients N.
    public var clients: Int
    /// This client's index, 0..<N.
    public var index: Int
    public var kind: Kind
    /// Keep at most this many training images (a seeded subset of the share); nil keeps the whole share.
    public var limit: Int?
    /// Test images of the client's slice (its share of a seeded IID split of the test set, cut to this size).
    public var testLimit: Int

    public init(seed: UInt64, clients: Int, index: Int, kind: Kind = .iid, limit: Int? = nil,
                testLimit: Int = 500) throws(PartitionSpecError) {
        guard clients > 0 else { throw .badClientCount(clients) }
        guard (0..<clients).contains(index) else { throw .badIndex(index: index, clients: clients) }
        if let limit, limit <= 0 { throw .badLimit(limit) }
        guard testLimit > 0 else { throw .badLimit(testLimit) }
        (self.seed, self.clients, self.index, self.kind, self.limit, self.testLimit) =
            (seed, clients, index, kind, limit, testLimit)
    }

    /// Positions in `train` of this client's training samples, ascending.
    public func trainPositions(in train: ImageDataset) throws -> [Int] {
        let root = SeededGenerator(seed: seed)
        var split = root.derived(0x7061_7274)  // "part"
        let shares: [[Int]]
        switch kind {
        case .iid: shares = try train.partitionIID(clients: clients, rng: &split)
        case .dirichlet(let alpha): shares = try train.partitionDirichlet(clients: clients, alpha: alpha, rng: &split)
        }
        let share = shares[index]
        guard let limit, share.count > limit else { return share }
        var pick = root.derived(0x6c69_6d00 &+ UInt64(index))  // "lim" + index
        return pick.permutation(share.count).prefix(limit).map { share[$0] }.sorted()
    }

    /// Positions in `test` of this client's test slice, ascending (disjoint from every other client's slice).
    public func testPositions(in test: ImageDataset) throws -> [Int] {
        var split = SeededGenerator(seed: seed).derived(0x7465_7374)  // "test"
        return Array(try test.partitionIID(clients: clients, rng: &split)[index].prefix(testLimit))
    }

    /// This client's data cut from the full training and test sets.
    public func data(train: ImageDataset, test: ImageDataset) throws -> ClientData {
        ClientData(train: train.subset(try trainPositions(in: train)), test: test.subset(try testPositions(in: test)))
    }

    /// This client's data from the Fashion-MNIST files in `directory` (default: `$LETHE_DATA`, then the Debian path).
    public func fashionMNIST(directory: URL? = nil) throws -> ClientData {
        try data(train: FashionMNIST.load(split: .train, directory: directory),
                 test: FashionMNIST.load(split: .test, directory: directory))
    }
}

/// Why a partition specification is unusable, with the flag to fix.
public enum PartitionSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    case badKind(String)
    case badClientCount(Int)
    case badIndex(index: Int, clients: Int)
    case badLimit(Int)

    public var description: String {
        switch self {
        case .badKind(let text):
            "partition \"\(text)\" is not understood; use iid or dirichlet:α with α > 0 (e.g. dirichlet:0.5)"
        case .badClientCount(let count): "client count \(count) must be at least 1"
        case .badIndex(let index, let clients): "client index \(index) must be in 0..<\(clients)"
        case .badLimit(let limit): "size limit \(limit) must be positive"
        }
    }
}
