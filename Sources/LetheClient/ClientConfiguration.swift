import LetheData
import LetheUnlearning
import LetheWire

/// Everything a client node is told at start-up that does not come over the wire.
public struct ClientConfiguration: Sendable {
    /// The client id: the envelope sender id, and the name deletion requests target ([A-Za-z0-9._:-], 1–64 chars).
    public var clientID: String
    /// Reported in Hello so operators can spot mixed versions.
    public var softwareVersion = "lethe-client/1"
    /// The WSS-CL readings run by the phases for sample-id and whole-client deletions (`wsscl`) and for class
    /// deletions (`wssclForClasses`): the method's per-kind defaults, with retain rounds as long as the forget rounds
    /// (a holder's D_f is a fraction of the protocol's). Each PhaseRequest overrides its stage's epochs and rate.
    public var wsscl = ClientConfiguration.federated(.forSamples)
    public var wssclForClasses = ClientConfiguration.federatedForClasses
    /// The reading for a poisoned contribution (`WSSCLConfiguration.forPoisoned`, sample ids or a whole client).
    public var wssclForPoisoned = ClientConfiguration.federated(.forPoisoned)

    /// The reading the phases run for `kind`.
    public func wsscl(for kind: ForgettingKind) -> WSSCLConfiguration {
        switch kind {
        case .samples: wsscl
        case .wholeClass: wssclForClasses
        case .poisoned: wssclForPoisoned
        }
    }

    mutating func setWSSCL(_ configuration: WSSCLConfiguration, for kind: ForgettingKind) {
        switch kind {
        case .samples: wsscl = configuration
        case .wholeClass: wssclForClasses = configuration
        case .poisoned: wssclForPoisoned = configuration
        }
    }

    static func federated(_ base: WSSCLConfiguration) -> WSSCLConfiguration {
        var configuration = base
        configuration.stage2.retainRoundsFollowForget = true
        return configuration
    }

    /// The class reading (`WSSCLConfiguration.forClasses`: stage-1 targets `other-classes` from the sample alone,
    /// computed once per job). Full size, federated validation seeds 100 and 101 at 3 epochs: Avg. Gap 0.10 / 0.09
    /// against uniform targets' 0.62 / 0.74; at 2 epochs (what `lethe simulate` runs) 0.22 / 0.23 (BENCHMARKS.md,
    /// session 6).
    static var federatedForClasses: WSSCLConfiguration { federated(.forClasses) }
    /// The backdoor this client stamped on part of its share (`lethe client --canary`), if any: the verification
    /// phase then also reports its attack success rate on the client's own triggered test images. Only the holder
    /// knows the trigger, so only it can measure it; the trigger itself never travels.
    public var canary: Canary?
    /// Bounds every incoming message is validated against.
    public var limits = WireLimits.default
    /// With noise requested, features are clipped to this L2 norm B first, so one sample moves the release by at most
    /// (1, B, B²) in (count, Σh, Σh²); the noise is scaled by the same B (`GaussianNoiseScales`), so the stated
    /// (ε, δ) holds whatever B is. B only trades clipping bias against noise.
    public var featureClipNorm: Float = 10
    /// δ at which the client states ε for noised statistics.
    public var privacyDelta = 1e-5
    /// Secret key of the differential-privacy noise; it must never leave the client. Drawn from the system's
    /// cryptographic generator by default, a deliberate departure from "every random choice is seeded": noise drawn
    /// from a seed the coordinator knows would not protect anything. Set it only to reproduce a run (tests).
    public var noiseSeed = UInt64.random(in: .min ... .max)
    /// Heartbeat interval and liveness used until the coordinator's Welcome says otherwise.
    public var heartbeatIntervalMs: UInt32 = 1000
    public var liveness: UInt32 = 5
    /// Incoming message numbers whose replies are kept, so a replayed request is answered without re-running it
    /// (small: a kept TrainUpdate or dense SaliencyReport holds a whole model).
    public var replayWindow = 16
    /// Verification measures RA (and draws MIA members) on an evenly spaced subset of at most this many retained
    /// samples, and TA (MIA non-members) on at most `verificationTestLimit` of the local test slice (nil: all).
    /// Verification is a pass over every client's data on the job's critical path: at full size, with 3,000
    /// retained and the whole 2,500-image slice, it was 4.3 s of a 25.5 s class job (BENCHMARKS.md). 1,000 of each
    /// pin a client's RA to about ±1.6 points and the federation's (4 clients) to about ±0.8 (binomial, 95 %,
    /// accuracy ~93 %), enough to catch a broken model; the simulation's own table evaluates every published
    /// model on all data.
    public var verificationRetainLimit: Int? = 1000
    public var verificationTestLimit: Int? = 1000
    /// The saliency phase scores at most this many evenly spaced forget samples (nil: all), scaled to the whole
    /// forget set (`ClientNode.saliency`). The mask keeps the top half of the weights by score, which a subset ranks
    /// nearly as the whole set does, at a fraction of the gradient pass: at full size (1,500 forget samples per
    /// holder) 512 cut the saliency phase from ~1.9 s to ~0.7 s with the same Avg. Gap (±0.01) on validation seeds
    /// 100 and 101 (BENCHMARKS.md, Federation).
    public var saliencyForgetLimit: Int? = 512
    /// The statistics phase describes an evenly spaced subset of at most this many retained samples (nil: all),
    /// counts included, so the merge stays exact over what was described. Class means and variances of 128
    /// features are pinned by a few hundred samples per class, while a pass over a whole 13,500-image share was the
    /// job's largest phase at full size (7–14 s of ~30–66 s); DP accounting is per released sample and unchanged.
    public var statisticsRetainLimit: Int? = 3000

    public init(clientID: String) { self.clientID = clientID }
}
