import Foundation

/// The JSON every result-producing command writes (ARCHITECTURE.md "Command-line contract"), so scripts,
/// benchmarks and plots read one schema (`docs/results.schema.json`, version `ResultsSchema.version`).
/// Percentages are 0–100.
public struct ResultsDocument: Codable, Equatable, Sendable {
    /// `ResultsSchema.version`: readers check it before anything else.
    public var schema: String
    /// The command that wrote the file: `unlearn` or `simulate` (a `ResultsSchema.Command`).
    public var command: String
    public var dataset: String
    public var model: String
    public var forget: ForgetDescription
    public var clients: Int
    /// The seed of a single run; nil when `seeds` lists several.
    public var seed: UInt64?
    public var seeds: [UInt64]
    public var results: [ResultRow]

    public init(command: ResultsSchema.Command = .unlearn, dataset: String = "fashion-mnist",
                model: String = "cnn-small", forget: ForgetDescription, clients: Int = 1, seeds: [UInt64],
                results: [ResultRow]) {
        self.schema = ResultsSchema.version
        self.command = command.rawValue
        self.dataset = dataset
        self.model = model
        self.forget = forget
        self.clients = clients
        self.seed = seeds.count == 1 ? seeds[0] : nil
        self.seeds = seeds
        self.results = results
    }

    /// Pretty, key-sorted JSON.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// What was forgotten.
public struct ForgetDescription: Codable, Equatable, Sendable {
    public var kind: String
    public var fraction: Double?
    public var classLabel: Int?
    public var count: Int
    /// The backdoor the forget set carried (`target:N`, the `--canary` form); nil for clean data.
    public var canary: String?
    /// Why the data was deleted (`privacy` or `poisoned`), which picked the unlearning reading; nil where the run
    /// did not say (documents written before the reason existed).
    public var reason: String?

    public init(kind: String, fraction: Double? = nil, classLabel: Int? = nil, count: Int, canary: String? = nil) {
        self.kind = kind
        self.fraction = fraction
        self.classLabel = classLabel
        self.count = count
        self.canary = canary
    }

    enum CodingKeys: String, CodingKey {
        case kind, fraction, count, canary, reason
        case classLabel = "class"
    }
}

/// One method's row: means over seeds, with standard deviations when there are several.
public struct ResultRow: Codable, Equatable, Sendable {
    public var method: String
    public var ua: Double, ra: Double, ta: Double, mia: Double
    public var seconds: Double
    /// Mean |Δ| to Retrain over UA, RA, TA, MIA (absent for Retrain itself).
    public var avgGap: Double?
    /// Run time relative to Retrain's.
    public var rte: Double?
    public var std: Spread?
    public var configuration: String?
    /// Balanced accuracy of the MIA attack on its own members and non-members, in percent (50 is chance): how much
    /// the `mia` column can say about this model.
    public var miaAttackAccuracy: Double?
    /// Attack success rate of the forget set's canary, in percent; nil without a canary.
    public var asr: Double?
    /// The per-sample membership attack on the forget set against held-out images of its classes: ROC AUC (0–1,
    /// 0.5 is chance) and the true-positive rate at 1 % false positives, in percent (1 is chance).
    public var membershipAUC: Double?
    public var membershipTPRAtOnePercentFPR: Double?

    public init(method: String, ua: Double, ra: Double, ta: Double, mia: Double, seconds: Double,
                avgGap: Double? = nil, rte: Double? = nil, std: Spread? = nil, configuration: String? = nil,
                miaAttackAccuracy: Double? = nil, asr: Double? = nil, membershipAUC: Double? = nil,
                membershipTPRAtOnePercentFPR: Double? = nil) {
        self.method = method
        self.ua = ua; self.ra = ra; self.ta = ta; self.mia = mia
        self.seconds = seconds
        self.avgGap = avgGap
        self.rte = rte
        self.std = std
        self.configuration = configuration
        self.miaAttackAccuracy = miaAttackAccuracy
        self.asr = asr
        self.membershipAUC = membershipAUC
        self.membershipTPRAtOnePercentFPR = membershipTPRAtOnePercentFPR
    }

    /// Standard deviations over seeds.
    public struct Spread: Codable, Equatable, Sendable {
        public var ua: Double, ra: Double, ta: Double, mia: Double, avgGap: Double?, seconds: Double
        public var asr: Double?
        public init(ua: Double, ra: Double, ta: Double, mia: Double, avgGap: Double?, seconds: Double,
                    asr: Double? = nil) {
            self.ua = ua; self.ra = ra; self.ta = ta; self.mia = mia; self.avgGap = avgGap; self.seconds = seconds
            self.asr = asr
        }

        enum CodingKeys: String, CodingKey {
            case ua, ra, ta, mia, seconds, asr
            case avgGap = "avg_gap"
        }
    }

    enum CodingKeys: String, CodingKey {
        case method, ua, ra, ta, mia, seconds, rte, std, configuration, asr
        case avgGap = "avg_gap"
        case miaAttackAccuracy = "mia_attack_accuracy"
        case membershipAUC = "membership_auc"
        case membershipTPRAtOnePercentFPR = "membership_tpr_at_1pct_fpr"
    }
}

extension ResultRow {
    /// The mean row of one method over several seeds, with population standard deviations.
    public static func aggregate(_ rows: [ResultRow]) -> ResultRow {
        precondition(!rows.isEmpty, "nothing to aggregate")
        guard rows.count > 1 else { return rows[0] }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        func spread(_ values: [Double]) -> Double {
            let m = mean(values)
            return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
        }
        let gaps = rows.compactMap(\.avgGap), rtes = rows.compactMap(\.rte)
        let attackAccuracies = rows.compactMap(\.miaAttackAccuracy), asrs = rows.compactMap(\.asr)
        /// The mean of an optional figure when every seed measured it.
        func meanIfAll(_ values: [Double]) -> Double? { values.count == rows.count ? mean(values) : nil }
        return ResultRow(
            method: rows[0].method, ua: mean(rows.map(\.ua)), ra: mean(rows.map(\.ra)), ta: mean(rows.map(\.ta)),
            mia: mean(rows.map(\.mia)), seconds: mean(rows.map(\.seconds)),
            avgGap: gaps.count == rows.count ? mean(gaps) : nil, rte: rtes.count == rows.count ? mean(rtes) : nil,
            std: Spread(ua: spread(rows.map(\.ua)), ra: spread(rows.map(\.ra)), ta: spread(rows.map(\.ta)),
                        mia: spread(rows.map(\.mia)), avgGap: gaps.count == rows.count ? spread(gaps) : nil,
                        seconds: spread(rows.map(\.seconds)), asr: asrs.count == rows.count ? spread(asrs) : nil),
            configuration: rows[0].configuration,
            miaAttackAccuracy: meanIfAll(attackAccuracies), asr: meanIfAll(asrs),
            membershipAUC: meanIfAll(rows.compactMap(\.membershipAUC)),
            membershipTPRAtOnePercentFPR: meanIfAll(rows.compactMap(\.membershipTPRAtOnePercentFPR)))
    }
}
