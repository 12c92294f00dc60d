/// The built-in `Module` base class and the methods every module answers
/// (`parameters`, `named_parameters`, `children`, `modules`, `train`, `eval`, `zero_grad`).
extension Library {
    func registerModuleSupport() {
        let moduleClass = ClassObject(name: "Module", base: nil, isModuleRoot: true)
        value("Module", .classObject(moduleClass), in: ["nn"])
        moduleMethod("parameters", "recurse=True", doc: "Every Parameter of the module and its sub-modules, PyTorch's order.") { a in
            .list(ListObject(a.interpreter.namedParameters(a.receiver, prefix: "", recurse: try a.bool("recurse")).map(\.1)))
        }
        moduleMethod("named_parameters", "prefix='', recurse=True", doc: "(name, parameter) pairs, e.g. ('l1.weight', …).") { a in
            .list(ListObject(a.interpreter.namedParameters(a.receiver, prefix: try a.string("prefix"), recurse: try a.bool("recurse"))
                .map { .tuple([.str($0.0), $0.1]) }))
        }
        moduleMethod("children", "", doc: "The direct sub-modules.") { a in
            .list(ListObject(a.interpreter.moduleMembers(a.receiver).children.map(\.1)))
        }
        moduleMethod("named_children", "", doc: "(name, module) pairs of the direct sub-modules.") { a in
            .list(ListObject(a.interpreter.moduleMembers(a.receiver).children.map { .tuple([.str($0.0), $0.1]) }))
        }
        moduleMethod("modules", "", doc: "The module and all its descendants.") { a in
            .list(ListObject(a.interpreter.allModules(a.receiver)))
        }
        moduleMethod("train", "mode=True", doc: "Sets training mode on the module and its descendants; returns the module.") { a in
            let mode = try a.bool("mode")
            for m in a.interpreter.allModules(a.receiver) { a.interpreter.setTraining(m, mode) }
            return a.receiver
        }
        moduleMethod("eval", "", doc: "Sets evaluation mode (train(False)); returns the module.") { a in
            for m in a.interpreter.allModules(a.receiver) { a.interpreter.setTraining(m, false) }
            return a.receiver
        }
        moduleMethod("zero_grad", "set_to_none=True", doc: "Clears the gradients of every parameter.") { a in
            for (_, p) in a.interpreter.namedParameters(a.receiver, prefix: "", recurse: true) {
                try a.interpreter.library.clearGradient?(p, try a.bool("set_to_none"))
            }
            return .none
        }
        moduleMethod("add_module", "name, module", doc: "Registers a sub-module under a name.") { a in
            try a.interpreter.setAttribute(a.receiver, try a.string("name"), a["module"])
            return .none
        }
        moduleMethod("register_parameter", "name, param", doc: "Registers a parameter under a name.") { a in
            try a.interpreter.setAttribute(a.receiver, try a.string("name"), a["param"])
            return .none
        }
        moduleMethod("forward", "*args, **kwargs", doc: "The module's computation; subclasses define it.") { a in
            throw LangError("module '\(a.receiver.typeName)' is missing the required \"forward\" function")
        }
    }
}

extension Interpreter {
    func isParameter(_ v: Value) -> Bool { library.isParameter?(v) ?? false }

    /// A module's own parameters and direct sub-modules, in registration order (lists
    /// of modules count as sub-modules named `name.0`, `name.1`, …).
    func moduleMembers(_ v: Value) -> (parameters: [(String, Value)], children: [(String, Value)]) {
        var parameters: [(String, Value)] = []
        var children: [(String, Value)] = []
        let members: [(name: String, value: Value)]
        switch v {
        case .instance(let inst): members = zip(inst.attributeNames, inst.attributeValues).map { ($0, $1) }
        case .object(let o as ModuleLike): members = o.namedMembers()
        default: members = []
        }
        for (name, value) in members {
            if isParameter(value) {
                parameters.append((name, value))
            } else if isModuleValue(value) {
                children.append((name, value))
            } else if case .list(let l) = value {
                for (i, item) in l.items.enumerated() where isModuleValue(item) { children.append(("\(name).\(i)", item)) }
                for (i, item) in l.items.enumerated() where isParameter(item) { parameters.append(("\(name).\(i)", item)) }
            } else if case .dict(let d) = value {
                for (k, item) in zip(d.keys, d.values) {
                    guard case .str(let key) = k else { continue }
                    if isModuleValue(item) { children.append(("\(name).\(key)", item)) }
                    else if isParameter(item) { parameters.append(("\(name).\(key)", item)) }
                }
            }
        }
        return (parameters, children)
    }

    /// PyTorch's `named_parameters`: own parameters first, then each sub-module's,
    /// each parameter once.
    func namedParameters(_ v: Value, prefix: String, recurse: Bool) -> [(String, Value)] {
        var out: [(String, Value)] = []
        var seen: [Value] = []
        func visit(_ m: Value, _ prefix: String, depth: Int) {
            guard depth < 100 else { return }
            let (parameters, children) = moduleMembers(m)
            for (name, p) in parameters where !seen.contains(where: { identical($0, p) }) {
                seen.append(p)
                out.append((prefix + name, p))
            }
            if recurse {
                for (name, child) in children { visit(child, prefix + name + ".", depth: depth + 1) }
            }
        }
        visit(v, prefix.isEmpty ? "" : prefix + ".", depth: 0)
        return out
    }

    func allModules(_ v: Value) -> [Value] {
        var out: [Value] = []
        func visit(_ m: Value, depth: Int) {
            guard depth < 100, !out.contains(where: { identical($0, m) }) else { return }
            out.append(m)
            for (_, child) in moduleMembers(m).children { visit(child, depth: depth + 1) }
        }
        visit(v, depth: 0)
        return out
    }

    func setTraining(_ v: Value, _ on: Bool) {
        switch v {
        case .instance(let inst): inst.training = on
        case .object(let o as TrainingSwitch): o.setTraining(on)
        default: break
        }
    }
}

/// Library modules whose behaviour depends on train/eval mode.
public protocol TrainingSwitch: AnyObject {
    func setTraining(_ on: Bool)
}
