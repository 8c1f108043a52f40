import Foundation

/// What `lethe report` reads from a results file: the results table, and for `lethe simulate` the simulation's
/// figures. Decoded only after `ResultsFile` has checked the schema version.
public struct RunDocument: Codable, Equatable, Sendable {
    public var results: ResultsDocument
    public var simulation: SimulationFigures?

    public init(results: ResultsDocument, simulation: SimulationFigures? = nil) {
        self.results = results
        self.simulation = simulation
    }

    enum Keys: String, CodingKey { case simulation }

    /// The results keys sit at the top level beside `simulation` (as `lethe simulate` writes them).
    public init(from decoder: any Decoder) throws {
        results = try ResultsDocument(from: decoder)
        simulation = try decoder.container(keyedBy: Keys.self).decodeIfPresent(SimulationFigures.self, forKey: .simulation)
    }

    public func encode(to encoder: any Encoder) throws {
        try results.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(simulation, forKey: .simulation)
    }
}
