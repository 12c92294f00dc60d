/// One entry of the binding table as the documentation shows it: the first line
/// `help()` prints, and a line of docs/library.md.
public struct BuiltinEntry: Equatable, Sendable {
    /// How the entry is written in nn: `len`, `F.linear`, `math.pi`, `Tensor.sum`,
    /// `Module.parameters`, `list.append`.
    public let name: String
    /// The parameter list as the binding table declares it (Python syntax), or nil for
    /// a value that is not called (a dtype, `math.pi`).
    public let parameters: String?
    /// The one-line description from the binding table ("" when it has none).
    public let doc: String

    /// `name(parameters)`, or `name` for a value.
    public var signature: String { parameters.map { "\(name)(\($0))" } ?? name }
}

extension Library {
    /// Every global, namespace member, method and module method of the binding table,
    /// so that documentation can be checked against it. A namespace member that is the
    /// same object as the global of the same name (`torch.zeros` is `zeros`) is listed
    /// once, under the global's name.
    ///
    /// ```swift
    /// for entry in Library.standard.documentedEntries { print(entry.signature) }
    /// ```
    public var documentedEntries: [BuiltinEntry] {
        var entries: [BuiltinEntry] = []
        for name in globalOrder {
            guard let value = globalValues[name], let entry = Library.entry(name, value) else { continue }
            entries.append(entry)
        }
        for namespaceName in namespaces.keys.sorted() {
            guard let namespace = namespaces[namespaceName] else { continue }
            for member in namespace.members.keys.sorted() {
                guard let value = namespace.members[member] else { continue }
                if let global = globalValues[member], Library.sameObject(global, value) { continue }
                if let entry = Library.entry("\(namespaceName).\(member)", value) { entries.append(entry) }
            }
        }
        for typeName in methods.keys.sorted() {
            for (name, function) in (methods[typeName] ?? [:]).sorted(by: { $0.key < $1.key }) {
                entries.append(BuiltinEntry(name: "\(typeName).\(name)", parameters: function.signatureText, doc: function.doc))
            }
        }
        for name in moduleMethodNames.sorted() {
            guard let function = moduleMethod(name) else { continue }
            entries.append(BuiltinEntry(name: "Module.\(name)", parameters: function.signatureText, doc: function.doc))
        }
        return entries
    }

    /// The entry for one value; nil for namespaces (their members are listed instead).
    private static func entry(_ name: String, _ value: Value) -> BuiltinEntry? {
        switch value {
        case .builtin(let function):
            return BuiltinEntry(name: name, parameters: function.signatureText, doc: function.doc)
        case .object(let object) where object is NamespaceObject:
            return nil
        case .object(let object as LibraryClass):
            // A library module class (`Linear`): documented by its constructor's signature.
            return BuiltinEntry(name: name, parameters: object.constructor.signatureText, doc: object.constructor.doc)
        case .classObject:
            return BuiltinEntry(name: name, parameters: "", doc: "")
        default:
            return BuiltinEntry(name: name, parameters: nil, doc: "")
        }
    }

    /// Whether two table values are the same registration (an alias in a namespace).
    private static func sameObject(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        case (.classObject(let x), .classObject(let y)): return x === y
        default: return false
        }
    }
}
