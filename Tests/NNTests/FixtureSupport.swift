import Foundation

/// A tensor stored in a JSON fixture: `{"shape", "dtype", "data"}` (data flat, row-major).
struct FixtureTensor {
    var shape: [Int]
    var dtype: String
    var data: [Double]

    init?(_ any: Any?) {
        guard let d = any as? [String: Any], let shape = d["shape"] as? [Int], let dtype = d["dtype"] as? String,
              let raw = d["data"] as? [Any] else { return nil }
        self.shape = shape
        self.dtype = dtype
        data = raw.map { v in
            if let b = v as? Bool, dtype == "bool" { return b ? 1 : 0 }
            if let text = v as? String { return text == "inf" ? .infinity : (text == "-inf" ? -.infinity : .nan) }
            return (v as? NSNumber)?.doubleValue ?? .nan
        }
    }
}

/// One case of a fixture file, with typed accessors for the common fields.
struct FixtureCase {
    let raw: [String: Any]
    var name: String { raw["name"] as? String ?? "?" }
    var kwargs: [String: Any] { raw["kwargs"] as? [String: Any] ?? [:] }
    var inputs: [FixtureTensor?] { (raw["inputs"] as? [Any] ?? []).map { FixtureTensor($0) } }
    var outputs: [FixtureTensor] { (raw["outputs"] as? [Any] ?? []).compactMap { FixtureTensor($0) } }
    var gradOutputs: [FixtureTensor?] { (raw["grad_outputs"] as? [Any] ?? []).map { FixtureTensor($0) } }
    var inputGrads: [FixtureTensor?] { (raw["input_grads"] as? [Any] ?? []).map { FixtureTensor($0) } }
    var params: [String: FixtureTensor] { ((raw["params"] as? [String: Any]) ?? [:]).compactMapValues { FixtureTensor($0) } }
    var paramGrads: [String: FixtureTensor] { ((raw["param_grads"] as? [String: Any]) ?? [:]).compactMapValues { FixtureTensor($0) } }
    var buffersAfter: [String: FixtureTensor] { ((raw["buffers_after"] as? [String: Any]) ?? [:]).compactMapValues { FixtureTensor($0) } }
    var paramNames: [(String, [Int])] {
        (raw["param_names"] as? [[Any]] ?? []).compactMap { pair in
            guard pair.count == 2, let n = pair[0] as? String, let s = pair[1] as? [Int] else { return nil }
            return (n, s)
        }
    }
    var train: Bool { raw["train"] as? Bool ?? true }

    func int(_ key: String, _ fallback: Int) -> Int { (kwargs[key] as? NSNumber)?.intValue ?? fallback }
    func double(_ key: String, _ fallback: Double) -> Double { (kwargs[key] as? NSNumber)?.doubleValue ?? fallback }
    func bool(_ key: String, _ fallback: Bool) -> Bool { kwargs[key] as? Bool ?? fallback }
    func string(_ key: String, _ fallback: String) -> String { kwargs[key] as? String ?? fallback }
    /// A size argument given as an int or a list.
    func ints(_ key: String, _ fallback: [Int]) -> [Int] {
        if let list = kwargs[key] as? [Int] { return list }
        if let n = kwargs[key] as? Int { return [n] }
        return fallback
    }
}

enum Fixtures {
    static func load(_ file: String) throws -> [FixtureCase] {
        guard let url = Bundle.module.url(forResource: file, withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureMissing(file: file)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return (json as? [[String: Any]] ?? []).map(FixtureCase.init)
    }

    static func url(_ name: String, _ ext: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures")
    }

    struct FixtureMissing: Error { let file: String }
}

/// Largest relative error max|a-b| / max(1, |b|)... per element: |a-b| / (|b| + atol/rtol).
func relativeMismatch(_ actual: [Double], _ expected: [Double], rtol: Double = 1e-6, atol: Double = 1e-9) -> String? {
    guard actual.count == expected.count else { return "count \(actual.count) != \(expected.count)" }
    for i in 0..<actual.count {
        let a = actual[i], e = expected[i]
        if a.isNaN != e.isNaN || (e.isInfinite && a != e) { return "element \(i): \(a) vs \(e)" }
        if e.isNaN || e.isInfinite { continue }
        if abs(a - e) > atol + rtol * abs(e) { return "element \(i): \(a) vs \(e) (diff \(abs(a - e)))" }
    }
    return nil
}
