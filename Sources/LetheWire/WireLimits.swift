/// Upper bounds every incoming message is checked against before any of it is used.
///
/// The bounds keep a hostile or buggy peer from making a node allocate without limit: the transport's
/// ZMQ_MAXMSGSIZE drops oversized frames, and these limits catch sizes declared *inside* a message (a shape of
/// 2^40 elements announced by a 10-byte message). Defaults fit Lethe's models (~1M parameters) with room to spare.
public struct WireLimits: Sendable, Equatable {
    /// Largest encoded envelope accepted, in bytes.
    public var maxMessageBytes: Int
    /// Largest number of elements in one tensor (dense or declared by a chunk's full shape).
    public var maxTensorElements: Int
    /// Largest tensor rank.
    public var maxRank: Int
    /// Largest bit count of a mask.
    public var maxMaskBits: Int
    /// Most classes in statistics or a Hello's label list.
    public var maxClasses: Int
    /// Largest penultimate feature dimension in statistics.
    public var maxFeatureDim: Int
    /// Most sample ids in one deletion request.
    public var maxSampleIDs: Int
    /// Largest training-sample count a Hello may declare (2^32: far above any share, far below a count that
    /// would make the declared size meaningless as a bound on deletion requests).
    public var maxSampleCount: UInt64 = 1 << 32
    /// Most chunks a payload may be split into.
    public var maxChunks: Int
    /// Longest free-text field (error messages, details), in UTF-8 bytes.
    public var maxTextBytes: Int

    public init(maxMessageBytes: Int = 64 << 20, maxTensorElements: Int = 64 << 20, maxRank: Int = 8,
                maxMaskBits: Int = 64 << 20, maxClasses: Int = 1024, maxFeatureDim: Int = 65_536,
                maxSampleIDs: Int = 1 << 20, maxChunks: Int = 65_536, maxTextBytes: Int = 4096) {
        self.maxMessageBytes = maxMessageBytes
        self.maxTensorElements = maxTensorElements
        self.maxRank = maxRank
        self.maxMaskBits = maxMaskBits
        self.maxClasses = maxClasses
        self.maxFeatureDim = maxFeatureDim
        self.maxSampleIDs = maxSampleIDs
        self.maxChunks = maxChunks
        self.maxTextBytes = maxTextBytes
    }

    /// The limits a node uses unless configured otherwise.
    public static let `default` = WireLimits()
}
