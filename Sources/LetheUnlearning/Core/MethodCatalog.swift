import Foundation

/// Builds methods by name from their documented defaults plus optional JSON overrides, so a variant is a few keys
/// in a file (`{"wss-cl": {"stage2": {"epochs": 4}}}`) rather than a fork.
public enum MethodCatalog {
    /// "all" or a comma-separated list of method names, in the order given.
    public static func parse(_ list: String) throws -> [MethodName] {
        if list.trimmingCharacters(in: .whitespaces) == "all" { return MethodName.allCases }
        return try list.split(separator: ",").map { raw in
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let method = MethodName(rawValue: name) else { throw UnlearningError.unknownMethod(name) }
            return method
        }
    }

    /// The method `name` with its defaults changed by `overrides` (a JSON object of configuration keys). `kind`
    /// picks the defaults of methods that have one per kind of deletion (WSS-CL).
    public static func make(_ name: MethodName, overrides: Any? = nil,
                            kind: ForgettingKind = .samples) throws -> UnlearningMethod {
        func configured<C: Codable>(_ defaults: C) throws -> C {
            guard let overrides else { return defaults }
            return try ConfigurationOverride.apply(overrides, to: defaults, method: name.rawValue)
        }
        switch name {
        case .retrain: return Retrain(configuration: try configured(Retrain.Configuration()))
        case .ft: return FineTune(configuration: try configured(FineTune.Configuration()))
        case .ga: return GradientAscent(configuration: try configured(GradientAscent.Configuration()))
        case .rl: return RandomLabel(configuration: try configured(RandomLabel.Configuration()))
        case .salun:
            let configuration = try configured(RandomLabel.Configuration.salun)
            guard configuration.maskFraction != nil else {
                throw UnlearningError.invalidConfiguration(method: "salun", reason: "SalUn needs a maskFraction")
            }
            return RandomLabel(configuration: configuration)
        case .wssCL:
            guard let overrides else { return WSSCL(configuration: WSSCLConfiguration.defaults(for: kind)) }
            return WSSCL(configuration: try wssclConfiguration(overrides: overrides,
                                                               defaults: WSSCLConfiguration.defaults(for: kind)))
        case .gc: return GradientConstraint(configuration: try configured(GradientConstraint.Configuration()))
        }
    }

    /// `defaults` changed by a JSON object of WSS-CL keys, where `"preset": NAME` starts from a named configuration
    /// (`WSSCLConfiguration.presetNames`) instead of `defaults`.
    public static func wssclConfiguration(overrides: Any, defaults: WSSCLConfiguration) throws -> WSSCLConfiguration {
        let method = MethodName.wssCL.rawValue
        var patch = overrides as? [String: Any]
        let preset = try (patch?.removeValue(forKey: "preset")).map { value -> WSSCLConfiguration in
            guard let name = value as? String else {
                throw UnlearningError.invalidConfiguration(method: method, reason: "preset must be a name")
            }
            return try WSSCLConfiguration.preset(named: name)
        }
        return try ConfigurationOverride.apply(patch ?? overrides, to: preset ?? defaults, method: method)
    }

    /// Reads a configuration file: a JSON object keyed by method name.
    public static func loadOverrides(path: String) throws -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UnlearningError.invalidConfiguration(method: "config", reason: "cannot read \(path)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw UnlearningError.invalidConfiguration(method: "config", reason: "\(path) is not a JSON object")
        }
        for key in object.keys where MethodName(rawValue: key) == nil {
            throw UnlearningError.unknownMethod(key)
        }
        return object
    }
}

/// Deep-merges JSON overrides into a Codable configuration's defaults; rejects keys the configuration does not use.
enum ConfigurationOverride {
    static func apply<C: Codable>(_ overrides: Any, to defaults: C, method: String) throws -> C {
        guard overrides is [String: Any] else {
            throw UnlearningError.invalidConfiguration(method: method,
                                                       reason: "the overrides must be a JSON object of configuration keys")
        }
        let base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defaults))
        let merged = merge(base, overrides)
        let data = try JSONSerialization.data(withJSONObject: merged)
        let result: C
        do { result = try JSONDecoder().decode(C.self, from: data) } catch {
            throw UnlearningError.invalidConfiguration(method: method, reason: describe(error))
        }
        let used = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result))
        if let unknown = firstUnusedKey(overrides, used, path: "") {
            throw UnlearningError.invalidConfiguration(method: method, reason: "unknown key '\(unknown)'")
        }
        return result
    }

    /// Objects merge key by key (a struct; unknown keys are carried along and reported after decoding). An enum
    /// case with a payload encodes as a one-key object, so a one-key override naming another case replaces it;
    /// lists and scalars are replaced.
    static func merge(_ base: Any, _ override: Any) -> Any {
        guard var object = base as? [String: Any], let patch = override as? [String: Any] else { return override }
        if object.count == 1 && patch.count == 1 && object.keys.first != patch.keys.first { return override }
        for (key, value) in patch { object[key] = object[key].map { merge($0, value) } ?? value }
        return object
    }

    static func firstUnusedKey(_ override: Any, _ used: Any, path: String) -> String? {
        guard let patch = override as? [String: Any] else { return nil }
        guard let object = used as? [String: Any] else { return patch.keys.sorted().first.map { path + $0 } }
        for key in patch.keys.sorted() {
            // A null clears an optional setting; the re-encoded result then omits the key.
            guard let value = object[key] else {
                if patch[key] is NSNull { continue }
                return path + key
            }
            if let nested = firstUnusedKey(patch[key]!, value, path: path + key + ".") { return nested }
        }
        return nil
    }

    static func describe(_ error: Error) -> String {
        if case DecodingError.typeMismatch(_, let context) = error {
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        if case DecodingError.dataCorrupted(let context) = error {
            return "invalid value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        return "\(error)"
    }
}
