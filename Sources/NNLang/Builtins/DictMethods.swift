/// `d.keys()`, `d.values()`, `d.items()`: live views, printed as Python prints them.
final class DictView: NativeObject {
    enum Kind: String { case keys = "dict_keys", values = "dict_values", items = "dict_items" }
    let dict: DictObject
    let kind: Kind
    init(_ dict: DictObject, _ kind: Kind) {
        self.dict = dict
        self.kind = kind
    }
    override var typeName: String { kind.rawValue }
    var items: [Value] {
        switch kind {
        case .keys: return dict.keys
        case .values: return dict.values
        case .items: return zip(dict.keys, dict.values).map { .tuple([$0, $1]) }
        }
    }
    override func repr(_ interpreter: Interpreter) throws -> String {
        "\(kind.rawValue)(\(try interpreter.repr(.list(ListObject(items)))))"
    }
    override func makeIterator(_ interpreter: Interpreter) throws -> ValueIterator? { ArrayIterator(items) }
    override func length(_ interpreter: Interpreter) throws -> Int? { dict.count }
    override func truthy(_ interpreter: Interpreter) throws -> Bool { dict.count > 0 }
    override func contains(_ item: Value, _ interpreter: Interpreter) throws -> Bool? {
        if kind == .keys { return try dict.contains(item) }
        return nil
    }
}

/// Methods of `dict`.
extension Library {
    func registerDictMethods() {
        func dict(_ a: Arguments) -> DictObject {
            if case .dict(let d) = a.receiver { return d }
            return DictObject()
        }
        method("dict", "keys", "", doc: "A view of the keys.") { a in .object(DictView(dict(a), .keys)) }
        method("dict", "values", "", doc: "A view of the values.") { a in .object(DictView(dict(a), .values)) }
        method("dict", "items", "", doc: "A view of the (key, value) pairs.") { a in .object(DictView(dict(a), .items)) }
        method("dict", "get", "key, default=None, /", doc: "d[key] if present, else default.") { a in
            try dict(a).get(a["key"]) ?? a["default"]
        }
        method("dict", "pop", "key, default=..., /", doc: "Removes key and returns its value (or default).") { a in
            if let v = try dict(a).remove(a["key"]) { return v }
            if case .object(let o) = a["default"], o is EllipsisObject {
                throw LangError("KeyError: \(try a.interpreter.repr(a["key"]))")
            }
            return a["default"]
        }
        method("dict", "setdefault", "key, default=None, /", doc: "d[key], inserting default first if missing.") { a in
            let d = dict(a)
            if let v = try d.get(a["key"]) { return v }
            try d.set(a["key"], a["default"])
            return a["default"]
        }
        method("dict", "update", "other=(), /, **kwargs", doc: "Adds the pairs of other and the keywords.") { a in
            let d = dict(a)
            if case .dict(let other) = a["other"] {
                for (k, v) in zip(other.keys, other.values) { try d.set(k, v) }
            } else {
                for item in try a.interpreter.iterateToArray(a["other"]) {
                    let pair = try a.interpreter.iterateToArray(item)
                    guard pair.count == 2 else {
                        throw LangError("dictionary update sequence element has length \(pair.count); 2 is required")
                    }
                    try d.set(pair[0], pair[1])
                }
            }
            for (k, v) in a.keywords { try d.set(.str(k), v) }
            return .none
        }
        method("dict", "copy", "", doc: "A shallow copy.") { a in .dict(dict(a).copy()) }
        method("dict", "clear", "", doc: "Removes every pair.") { a in
            dict(a).removeAll()
            return .none
        }
    }
}
