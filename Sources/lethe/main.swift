import ArgumentParser

/// Minimal CLI root for the wire branch; the lead merges `bench wire` into the real `lethe` command tree.
struct Lethe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lethe", abstract: "Federated machine unlearning.",
                                                    subcommands: [Bench.self])
}

/// `lethe bench …`: performance measurements.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure performance.", subcommands: [BenchWireCommand.self])
}

Lethe.main()
