import Autograd
import Foundation
import NN

/// `batches(X, y, batch_size, shuffle=True)`: iterable of (X_batch, y_batch).
final class BatchesObject: NativeObject {
    let batches: NN.Batches
    init(_ batches: NN.Batches) { self.batches = batches }
    override var typeName: String { "batches" }
    override func length(_ interpreter: Interpreter) throws -> Int? { batches.count }
    override func makeIterator(_ interpreter: Interpreter) throws -> ValueIterator? {
        var it = batches.makeIterator()
        return ClosureIterator(count: batches.count) {
            guard let (x, y) = it.next() else { return nil }
            return .tuple([.tensor(x), .tensor(y)])
        }
    }
}

extension Library {
    func registerData() {
        let ns = ["datasets"]
        func pair(_ r: (Tensor, Tensor)) -> Value { .tuple([.tensor(r.0), .tensor(r.1)]) }
        function("xor", "n=200", doc: "XOR of two noisy coordinates: (X [n, 2], y [n]).", in: ns, global: false) { a in
            pair(try a.interpreter.engine { try Datasets.xor(n: try a.int("n"), generator: a.interpreter.generator) })
        }
        function("moons", "n=200, noise=0.1", doc: "Two interleaving half circles.", in: ns, global: false) { a in
            pair(try a.interpreter.engine { try Datasets.moons(n: try a.int("n"), noise: try a.double("noise"), generator: a.interpreter.generator) })
        }
        function("spirals", "n=200, classes=2", doc: "Interleaved spirals, one per class.", in: ns, global: false) { a in
            pair(try a.interpreter.engine { try Datasets.spirals(n: try a.int("n"), classes: try a.int("classes"), generator: a.interpreter.generator) })
        }
        function("blobs", "n=200, centers=3, cluster_std=1.0", doc: "Gaussian blobs around centres.", in: ns, global: false) { a in
            let rt = a.interpreter
            if case .int(let k) = a["centers"] {
                return pair(try rt.engine { try Datasets.blobs(n: try a.int("n"), centers: k, clusterStd: try a.double("cluster_std"), generator: rt.generator) })
            }
            let points = try rt.iterateToArray(a["centers"]).map { try rt.iterateToArray($0).map { rt.number($0) ?? 0 } }
            return pair(try rt.engine { try Datasets.blobs(n: try a.int("n"), centerPoints: points, clusterStd: try a.double("cluster_std"), generator: rt.generator) })
        }
        function("digits", "", doc: "The 1,797 8×8 UCI handwritten digits: (X [1797, 64] in 0..16, y int64).", in: ns, global: false) { a in
            pair(try a.interpreter.engine { try Datasets.digits() })
        }
        function("batches", "X, y, batch_size=32, shuffle=True", doc: "Iterates (X_batch, y_batch) mini-batches, shuffled by the session's generator.") { a in
            .object(BatchesObject(try a.interpreter.engine {
                try NN.Batches(try a.tensor("X"), try a.tensor("y"), batchSize: try a.int("batch_size"), shuffle: try a.bool("shuffle"),
                               generator: a.interpreter.generator)
            }))
        }
        function("load_csv", "path, header=True", doc: "A float32 tensor from a CSV file inside the notebook's folder; with a header, a dict of columns.") { a in
            let rt = a.interpreter
            let root = URL(fileURLWithPath: rt.session.options.notebookDirectory)
            let (t, names) = try rt.engine { try Datasets.loadCSV(try a.string("path"), root: root, header: try a.bool("header")) }
            guard let names = names else { return .tensor(t) }
            let d = DictObject()
            for (i, n) in names.enumerated() {
                try d.set(.str(n), .tensor(try rt.engine { try t.index([.all, .int(i)]) }))
            }
            return .dict(d)
        }
        function("save", "model, path", doc: "Writes the model's parameters and buffers to a .safetensors file in the notebook's folder.") { a in
            let rt = a.interpreter
            let path = try a.string("path")
            // Only model files: a cell must not overwrite the notebook or its data.
            guard path.hasSuffix(".safetensors") else {
                throw LangError("save: the file name must end in .safetensors, not '\(path)'")
            }
            let url = try rt.engine { try SandboxedPath.resolve(path, root: URL(fileURLWithPath: rt.session.options.notebookDirectory), mustExist: false) }
            let module = try rt.stateModule(a["model"])
            if let writeFile = rt.session.options.writeFile {
                try rt.engine { try writeFile(try Safetensors.encoded(module), url.path) }
            } else {
                try rt.engine { try Safetensors.save(module, to: url) }
            }
            return .none
        }
        function("load", "model, path", doc: "Loads parameters saved with save() into the model (names and shapes must match).") { a in
            let rt = a.interpreter
            let url = try rt.engine { try SandboxedPath.resolve(try a.string("path"), root: URL(fileURLWithPath: rt.session.options.notebookDirectory)) }
            let module = try rt.stateModule(a["model"])
            try rt.engine { try Safetensors.load(into: module, from: url) }
            return a["model"]
        }
    }
}

extension Interpreter {
    /// A library module mirroring a model's parameter names (user modules are rebuilt as
    /// containers over the same tensors), for save/load.
    func stateModule(_ v: Value) throws -> NN.Module {
        switch v {
        case .object(let o as ModuleObject): return o.module
        case .instance(let inst) where inst.cls.isModule:
            let container = NN.Module()
            let (parameters, children) = moduleMembers(v)
            for (name, p) in parameters { if case .tensor(let t) = p { container.registerParameter(name, t) } }
            for (name, child) in children { container.registerModule(name, try stateModule(child)) }
            return container
        default:
            throw LangError("save/load expect a module, not \(v.typeName)")
        }
    }
}
