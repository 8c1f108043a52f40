import ArgumentParser
import LetheClient

/// How much of its data a client touches in the phases that pass over every client (verification, statistics) or
/// over every forget sample (saliency), as `lethe client` options; `lethe simulate` takes the same options and passes
/// them on to each client. They bound the unlearning job's wall time at full size (`ClientConfiguration` says why
/// each default is enough); the simulation's own table always evaluates on all data.
struct ClientWorkLimits: ParsableArguments {
    /// The option defaults are `ClientConfiguration`'s (nil there is 0 here).
    private static let defaults = ClientConfiguration(clientID: "defaults")

    @Option(help: "Verification measures RA (MIA members) on at most this many evenly spaced retained images (0: all).")
    var verificationRetainLimit = Self.defaults.verificationRetainLimit ?? 0
    @Option(help: "Verification measures TA (MIA non-members) on at most this many local test images (0: all).")
    var verificationTestLimit = Self.defaults.verificationTestLimit ?? 0
    @Option(help: "The statistics phase describes at most this many evenly spaced retained images (0: all).")
    var statisticsRetainLimit = Self.defaults.statisticsRetainLimit ?? 0
    @Option(help: "Saliency scores at most this many evenly spaced forget samples, scaled to the whole set (0: all).")
    var saliencyForgetLimit = Self.defaults.saliencyForgetLimit ?? 0

    func validate() throws {
        guard [verificationRetainLimit, verificationTestLimit, statisticsRetainLimit, saliencyForgetLimit]
            .allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("--verification-retain-limit, --verification-test-limit, --statistics-retain-limit "
                                  + "and --saliency-forget-limit must be ≥ 0")
        }
    }

    /// The same limits as `lethe client` arguments.
    var clientArguments: [String] {
        ["--verification-retain-limit", "\(verificationRetainLimit)",
         "--verification-test-limit", "\(verificationTestLimit)",
         "--statistics-retain-limit", "\(statisticsRetainLimit)",
         "--saliency-forget-limit", "\(saliencyForgetLimit)"]
    }

    /// Sets the limits on a client's configuration (0 becomes nil: no limit).
    func apply(to configuration: inout ClientConfiguration) {
        func limit(_ value: Int) -> Int? { value == 0 ? nil : value }
        configuration.verificationRetainLimit = limit(verificationRetainLimit)
        configuration.verificationTestLimit = limit(verificationTestLimit)
        configuration.statisticsRetainLimit = limit(statisticsRetainLimit)
        configuration.saliencyForgetLimit = limit(saliencyForgetLimit)
    }
}
