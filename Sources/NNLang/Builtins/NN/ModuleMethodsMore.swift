import Autograd
import NN
import Tensor

/// Module methods courses use beyond the spec's set: `apply`, `requires_grad_`, `named_modules`,
/// `state_dict`, `load_state_dict` (library layers and user `Module` subclasses alike).
extension Library {
    func registerMoreModuleMethods() {
        moduleMethod("apply", "fn", doc: "Calls fn on every sub-module (children first) and on the module; returns the module.") { a in
            let rt = a.interpreter, fn = a["fn"]
            func visit(_ m: Value, depth: Int) throws {
                guard depth < 100 else { return }
                for (_, child) in rt.moduleMembers(m).children { try visit(child, depth: depth + 1) }
                _ = try rt.call(fn, [m])
            }
            try visit(a.receiver, depth: 0)
            return a.receiver
        }
        moduleMethod("requires_grad_", "requires_grad=True", doc: "Switches gradient tracking of every parameter on or off (freezing); returns the module.") { a in
            let flag = try a.bool("requires_grad")
            for (_, p) in a.interpreter.namedParameters(a.receiver, prefix: "", recurse: true) {
                _ = try a.interpreter.engine { try a.interpreter.tensorValue(p, "parameter").requiresGrad_(flag) }
            }
            return a.receiver
        }
        moduleMethod("named_modules", "", doc: "(name, module) pairs of the module ('') and all its descendants.") { a in
            let rt = a.interpreter
            var out: [Value] = []
            var seen: [Value] = []
            func visit(_ m: Value, _ name: String, depth: Int) {
                guard depth < 100, !seen.contains(where: { rt.identical($0, m) }) else { return }
                seen.append(m)
                out.append(.tuple([.str(name), m]))
                for (child, v) in rt.moduleMembers(m).children { visit(v, name.isEmpty ? child : name + "." + child, depth: depth + 1) }
            }
            visit(a.receiver, "", depth: 0)
            return .list(ListObject(out))
        }
        // dtype conversion of every floating-point parameter and buffer, in place (the Parameter objects stay)
        func convert(_ a: Arguments, to dtype: DType) throws -> Value {
            for (_, t) in try a.interpreter.stateEntries(a.receiver) where t.dtype.isFloatingPoint && t.dtype != dtype {
                t.data = try t.data.to(dtype)
                t.grad = try t.grad.map { try $0.to(dtype) }
            }
            return a.receiver
        }
        moduleMethod("double", "", doc: "Converts the floating-point parameters and buffers to float64; returns the module.") { a in try convert(a, to: .float64) }
        moduleMethod("float", "", doc: "Converts the floating-point parameters and buffers to float32; returns the module.") { a in try convert(a, to: .float32) }
        moduleMethod("to", "*args, **kwargs", doc: "to(dtype) converts like double()/float(); a device ('cpu') leaves the module as it is.") { a in
            for v in a.rest + a.keywords.map(\.1) {
                switch v {
                case .str(let device) where device == "cpu" || device.hasPrefix("cpu:"): continue
                case .str(let device): throw LangError("to(): only the 'cpu' device exists in nn, not '\(device)'")
                default:
                    guard let dtype = try? a.interpreter.dtypeValue(v) else { throw LangError("to(): expected a dtype or 'cpu', not \(v.typeName)") }
                    return try convert(a, to: dtype)
                }
            }
            return a.receiver
        }
        moduleMethod("state_dict", "", doc: "Parameters and buffers by dotted name (tensors sharing the module's storage).") { a in
            let d = DictObject()
            for (name, t) in try a.interpreter.stateEntries(a.receiver) { try d.set(.str(name), .tensor(t.detach())) }
            return .dict(d)
        }
        moduleMethod("load_state_dict", "state_dict, strict=True", doc: "Copies parameters and buffers from a state_dict (names and shapes must match).") { a in
            let rt = a.interpreter
            guard case .dict(let given) = a["state_dict"] else { throw LangError("load_state_dict(): expected a dict, not \(a["state_dict"].typeName)") }
            let own = try rt.stateEntries(a.receiver)
            var incoming: [(String, Value)] = []
            for (k, v) in zip(given.keys, given.values) {
                guard case .str(let key) = k else { throw LangError("load_state_dict(): keys must be strings, not \(k.typeName)") }
                incoming.append((key, v))
            }
            let ownNames = own.map(\.0), givenNames = incoming.map(\.0)
            let missing = ownNames.filter { !givenNames.contains($0) }, unexpected = givenNames.filter { !ownNames.contains($0) }
            var problems: [String] = []
            if try a.bool("strict") {
                if !unexpected.isEmpty { problems.append("Unexpected key(s) in state_dict: " + unexpected.map { "\"\($0)\"" }.joined(separator: ", ") + ". ") }
                if !missing.isEmpty { problems.append("Missing key(s) in state_dict: " + missing.map { "\"\($0)\"" }.joined(separator: ", ") + ". ") }
            }
            for (name, target) in own {
                guard let value = incoming.first(where: { $0.0 == name })?.1 else { continue }
                let source = try rt.tensorValue(value, "state_dict['\(name)']")
                if source.shape != target.shape {
                    problems.append("size mismatch for \(name): copying a param with shape torch.Size(\(source.shape)) from checkpoint, the shape in current model is torch.Size(\(target.shape)).")
                    continue
                }
            }
            if !problems.isEmpty {
                throw LangError("Error(s) in loading state_dict for \(a.receiver.typeName):\n\t" + problems.joined(separator: "\n\t"))
            }
            for (name, target) in own {
                guard let value = incoming.first(where: { $0.0 == name })?.1 else { continue }
                try rt.engine { try InitInPlace.copy(target, from: try rt.tensorValue(value, "state_dict['\(name)']")) }
            }
            return .object(IncompatibleKeys(missing: missing, unexpected: unexpected))
        }
    }
}

/// What `load_state_dict` returns: `<All keys matched successfully>` or the key lists.
final class IncompatibleKeys: NativeObject {
    let missing: [String], unexpected: [String]
    init(missing: [String], unexpected: [String]) {
        self.missing = missing
        self.unexpected = unexpected
    }
    override var typeName: String { "_IncompatibleKeys" }
    override func repr(_ interpreter: Interpreter) throws -> String {
        if missing.isEmpty && unexpected.isEmpty { return "<All keys matched successfully>" }
        func list(_ l: [String]) -> String { "[" + l.map { "'\($0)'" }.joined(separator: ", ") + "]" }
        return "_IncompatibleKeys(missing_keys=\(list(missing)), unexpected_keys=\(list(unexpected)))"
    }
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        switch name {
        case "missing_keys": return .list(ListObject(missing.map { .str($0) }))
        case "unexpected_keys": return .list(ListObject(unexpected.map { .str($0) }))
        default: return nil
        }
    }
}

extension Interpreter {
    /// PyTorch's state_dict order: each module's parameters, then its buffers, then its children's.
    func stateEntries(_ root: Value) throws -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        var seen: [ObjectIdentifier] = []
        func visit(_ m: Value, _ prefix: String, depth: Int) throws {
            guard depth < 100 else { return }
            let (parameters, children) = moduleMembers(m)
            for (name, p) in parameters {
                let t = try tensorValue(p, "parameter")
                guard !seen.contains(ObjectIdentifier(t)) else { continue }
                seen.append(ObjectIdentifier(t))
                out.append((prefix + name, t))
            }
            if case .object(let o as ModuleObject) = m {
                for name in o.module.bufferNames {
                    if let b = o.module.buffer(name) { out.append((prefix + name, b)) }
                }
            }
            for (name, child) in children { try visit(child, prefix + name + ".", depth: depth + 1) }
        }
        try visit(root, "", depth: 0)
        return out
    }
}
