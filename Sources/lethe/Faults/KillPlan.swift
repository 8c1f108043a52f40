import LetheTensor

/// Where a drill strikes: a stage of the federation's life and how long after the harness sees it begin.
struct KillPoint: Codable, Equatable {
    enum Target: String, Codable, CaseIterable {
        case training, requested, saliency, mask, forgetting, statistics, contrastive, verification
        /// The restarted coordinator while it resumes an interrupted job.
        case resume

        /// The job phases (a target inside a deletion job).
        static let jobPhases: [Target] = [.requested, .saliency, .mask, .forgetting, .statistics, .contrastive,
                                          .verification]
    }

    var target: Target
    /// Seconds between seeing the target begin and the signal.
    var delay: Double
}

/// A client fault: SIGKILL and restart, or SIGSTOP past the heartbeat timeout and SIGCONT.
struct ClientFault: Codable, Equatable {
    enum Kind: String, Codable { case kill, pause }

    var kind: Kind
    /// A job phase (never training or resume).
    var phase: KillPoint.Target
    var delay: Double
    /// Whether the struck client holds the data being forgotten (else another client of the job).
    var holder: Bool
}

/// The seeded draw of a sweep's points: the same seed gives the same targets and delays.
enum KillPlan {
    /// `count` coordinator kill points over training, every job phase and resumption, each target about equally
    /// often (targets cycle through a seeded permutation, so even a short sweep covers distinct stages).
    static func coordinator(count: Int, seed: UInt64, maxDelay: Double = 0.3) -> [KillPoint] {
        var random = SeededGenerator(seed: seed).derived(1)
        let targets = KillPoint.Target.allCases
        var order: [KillPoint.Target] = []
        return (0..<count).map { _ in
            if order.isEmpty { order = random.permutation(targets.count).map { targets[$0] } }
            return KillPoint(target: order.removeFirst(), delay: Double(random.nextUniform()) * maxDelay)
        }
    }

    /// `count` client faults over the job phases, alternating kill and pause, holder or not by seed.
    static func client(count: Int, seed: UInt64, maxDelay: Double = 0.4) -> [ClientFault] {
        var random = SeededGenerator(seed: seed).derived(2)
        let phases = KillPoint.Target.jobPhases
        return (0..<count).map { index in
            ClientFault(kind: index % 2 == 0 ? .kill : .pause, phase: phases[random.nextInt(below: phases.count)],
                        delay: Double(random.nextUniform()) * maxDelay, holder: random.nextInt(below: 2) == 0)
        }
    }
}
