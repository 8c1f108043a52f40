import Foundation

/// A grid of configurations for one method (`lethe unlearn --sweep GRID.json`):
///
/// ```json
/// { "method": "wss-cl",
///   "base": { "stage2": { "space": "logits" } },
///   "grid": { "stage1.epochs": [1, 2], "stage2.retainBatchesPerRound": [11, 22] } }
/// ```
/// Each grid point is `base` with the dotted keys set; points are the cartesian product, in key order. Instead of
/// (or besides) `grid`, `"points": [{"label": "…", "stage1.epochs": 2, …}, …]` lists hand-picked points, each `base`
/// with its dotted keys set (an ablation is rarely a product).
public struct SweepGrid: Sendable {
    public let method: MethodName
    /// Every grid point: a short label and its override object as JSON text (Sendable, unlike parsed JSON).
    public let points: [(label: String, json: Data)]

    public init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UnlearningError.invalidConfiguration(method: "sweep", reason: "cannot read \(path)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw UnlearningError.invalidConfiguration(method: "sweep", reason: "\(path) is not a JSON object")
        }
        try self.init(object: object)
    }

    public init(object: [String: Any]) throws {
        guard let name = object["method"] as? String else {
            throw UnlearningError.invalidConfiguration(method: "sweep", reason: "the grid needs a \"method\"")
        }
        guard let method = MethodName(rawValue: name) else { throw UnlearningError.unknownMethod(name) }
        let base = object["base"] as? [String: Any] ?? [:]
        let unknown = Set(object.keys).subtracting(["method", "base", "grid", "points"])
        if let key = unknown.sorted().first {
            throw UnlearningError.invalidConfiguration(method: "sweep", reason: "unknown key '\(key)'")
        }
        var points: [(String, [String: Any])] = []
        if let grid = object["grid"] {
            points += try Self.product(grid, base: base)
        }
        if let listed = object["points"] {
            points += try Self.listed(listed, base: base)
        }
        guard !points.isEmpty else {
            throw UnlearningError.invalidConfiguration(method: "sweep", reason: "the sweep needs \"grid\" or \"points\"")
        }
        // Validate every point now, so a typo fails before hours of runs.
        for (label, overrides) in points {
            do { _ = try MethodCatalog.make(method, overrides: overrides) } catch {
                throw UnlearningError.invalidConfiguration(method: "sweep", reason: "point \(label): \(error)")
            }
        }
        self.method = method
        self.points = try points.map { ($0.0, try JSONSerialization.data(withJSONObject: $0.1, options: [.sortedKeys])) }
    }

    /// The cartesian product of `grid` (dotted key → values) over `base`, in key order.
    static func product(_ grid: Any, base: [String: Any]) throws -> [(String, [String: Any])] {
        guard let grid = grid as? [String: [Any]], !grid.isEmpty, grid.values.allSatisfy({ !$0.isEmpty }) else {
            throw UnlearningError.invalidConfiguration(
                method: "sweep", reason: "\"grid\" must map dotted keys to non-empty lists of values")
        }
        var points: [(String, [String: Any])] = [("", base)]
        for key in grid.keys.sorted() {
            points = points.flatMap { label, overrides in
                grid[key]!.map { value in
                    (label + (label.isEmpty ? "" : ", ") + "\(key)=\(value)", setting(key, to: value, in: overrides))
                }
            }
        }
        return points
    }

    /// Hand-listed points: each object's dotted keys set on `base`; its optional "label" names it.
    static func listed(_ listed: Any, base: [String: Any]) throws -> [(String, [String: Any])] {
        guard let listed = listed as? [[String: Any]], !listed.isEmpty else {
            throw UnlearningError.invalidConfiguration(
                method: "sweep", reason: "\"points\" must be a non-empty list of objects of dotted keys")
        }
        return try listed.enumerated().map { index, point in
            var overrides = base
            for key in point.keys.sorted() where key != "label" {
                overrides = setting(key, to: point[key]!, in: overrides)
            }
            let keys = point.keys.sorted().filter { $0 != "label" }.map { "\($0)=\(point[$0]!)" }
            if let label = point["label"], !(label is String) {
                throw UnlearningError.invalidConfiguration(method: "sweep", reason: "point \(index + 1): \"label\" must be a string")
            }
            let label = point["label"] as? String ?? (keys.isEmpty ? "base" : keys.joined(separator: ", "))
            return (label, overrides)
        }
    }

    /// `object` with the dotted path set to `value`.
    static func setting(_ path: String, to value: Any, in object: [String: Any]) -> [String: Any] {
        var copy = object
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 1 {
            copy[parts[0]] = value
        } else {
            copy[parts[0]] = setting(parts[1], to: value, in: copy[parts[0]] as? [String: Any] ?? [:])
        }
        return copy
    }
}

extension SweepGrid {
    /// The overrides of point `index` as a JSON object for `MethodCatalog.make`.
    public func overrides(at index: Int) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: points[index].json)) as? [String: Any] ?? [:]
    }
}
