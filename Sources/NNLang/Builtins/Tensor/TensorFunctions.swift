import Autograd
import Foundation
import Tensor

/// `with no_grad():` — gradient recording off inside the block.
final class GradModeContext: ContextManager {
    let enabled: Bool
    private var previous = true
    init(enabled: Bool) { self.enabled = enabled }
    override var typeName: String { enabled ? "enable_grad" : "no_grad" }
    override func enter(_ interpreter: Interpreter) throws -> Value {
        previous = GradMode.isEnabled
        GradMode.set(enabled: enabled)
        return .none
    }
    override func exit(_ interpreter: Interpreter) throws { GradMode.set(enabled: previous) }
}

extension Arguments {
    /// The tensor a function or method works on: `self` for methods, `input` for functions.
    func subject(_ name: String = "input") throws -> Tensor {
        if case .tensor(let t) = receiver { return t }
        return try interpreter.tensorValue(self[name], "\(function.name)() argument '\(name)'")
    }

    func tensor(_ name: String) throws -> Tensor {
        try interpreter.tensorValue(self[name], "\(function.name)() argument '\(name)'")
    }

    func optionalTensor(_ name: String) throws -> Tensor? { isNone(name) ? nil : try tensor(name) }

    func dtype(_ name: String = "dtype") throws -> DType? { try interpreter.dtypeValue(self[name]) }

    func dims(_ name: String = "dim") throws -> [Int]? { try interpreter.dimsValue(self[name]) }
}

extension Library {
    /// Registers an operation as a function (`torch.name(input, …)`, global unless told
    /// otherwise) and as a Tensor method (`x.name(…)`), from one signature and body.
    func tensorOperation(_ name: String, _ rest: String = "", doc: String, in namespaces: [String] = ["torch"],
                         global: Bool = true, method: Bool = true,
                         _ body: @escaping (Tensor, Arguments) throws -> Value) {
        let functionSignature = rest.isEmpty ? "input" : "input, " + rest
        let wrapped: (Arguments) throws -> Value = { a in
            if case .object(let v as TraceVar) = a["input"], let traced = try v.apply(name) { return traced }
            let t = try a.subject()
            return try a.interpreter.engine { try body(t, a) }
        }
        function(name, functionSignature, doc: doc, in: namespaces, global: global, wrapped)
        if method { self.method("Tensor", name, rest, doc: doc, wrapped) }
    }

    func registerTensorLibrary() {
        installTensorOperators()
        let torchAndF = ["torch", "F"]
        for dtype in [DType.float32, .float64, .int64] {
            value(dtype.rawValue, .object(DTypeObject(dtype)), in: ["torch"])
        }
        for (alias, dtype) in [("float", DType.float32), ("double", .float64), ("long", .int64), ("int", .int64), ("bool", .bool)] {
            value(alias, .object(DTypeObject(dtype)), in: ["torch"], global: false)
        }
        value("Tensor", .object(TensorType()), in: ["torch"])

        // MARK: Creation
        function("tensor", "data, *, dtype=None, requires_grad=False", doc: "A tensor from (nested) lists of numbers.", in: ["torch"]) { a in
            .tensor(try a.interpreter.engine { try a.interpreter.tensorFromData(a["data"], dtype: try a.dtype(), requiresGrad: try a.bool("requires_grad")) })
        }
        for (name, fill) in [("zeros", 0.0), ("ones", 1.0)] {
            function(name, "*size, dtype=None, requires_grad=False", doc: "A tensor filled with \(Int(fill))s.", in: ["torch"]) { a in
                let shape = try a.interpreter.shapeValue(a.rest, name)
                return .tensor(try a.interpreter.engine {
                    try Tensor.full(shape, fill, dtype: try a.dtype() ?? .float32, requiresGrad: try a.bool("requires_grad"))
                })
            }
            function(name + "_like", "input, *, dtype=None, requires_grad=False", doc: "A tensor of \(Int(fill))s shaped like input.", in: ["torch"]) { a in
                let t = try a.tensor("input")
                return .tensor(try a.interpreter.engine {
                    try Tensor.full(t.shape, fill, dtype: try a.dtype() ?? t.dtype, requiresGrad: try a.bool("requires_grad"))
                })
            }
        }
        function("empty", "*size, dtype=None, requires_grad=False", doc: "A tensor of the given shape (zero-filled in nn, for determinism).", in: ["torch"]) { a in
            let shape = try a.interpreter.shapeValue(a.rest, "empty")
            return .tensor(try a.interpreter.engine { try Tensor.zeros(shape, dtype: try a.dtype() ?? .float32, requiresGrad: try a.bool("requires_grad")) })
        }
        function("full", "size, fill_value, *, dtype=None, requires_grad=False", doc: "A tensor filled with fill_value.", in: ["torch"]) { a in
            let shape = try a.interpreter.shapeValue([a["size"]], "full")
            let inferred: DType
            switch a["fill_value"] { case .int: inferred = .int64; case .bool: inferred = .bool; default: inferred = .float32 }
            return .tensor(try a.interpreter.engine {
                try Tensor.full(shape, try a.double("fill_value"), dtype: try a.dtype() ?? inferred, requiresGrad: try a.bool("requires_grad"))
            })
        }
        function("full_like", "input, fill_value, *, dtype=None", doc: "A tensor filled with fill_value, shaped like input.", in: ["torch"]) { a in
            let t = try a.tensor("input")
            return .tensor(try a.interpreter.engine { try Tensor.full(t.shape, try a.double("fill_value"), dtype: try a.dtype() ?? t.dtype) })
        }
        for (name, normal) in [("rand", false), ("randn", true)] {
            function(name, "*size, dtype=None, requires_grad=False",
                     doc: normal ? "Standard normal samples from the session's generator." : "Uniform [0, 1) samples from the session's generator.",
                     in: ["torch"]) { a in
                let rt = a.interpreter
                let shape = try rt.shapeValue(a.rest, name)
                return .tensor(try rt.engine {
                    normal ? try Tensor.randn(shape, generator: rt.generator, dtype: try a.dtype() ?? .float32, requiresGrad: try a.bool("requires_grad"))
                        : try Tensor.rand(shape, generator: rt.generator, dtype: try a.dtype() ?? .float32, requiresGrad: try a.bool("requires_grad"))
                })
            }
            function(name + "_like", "input, *, dtype=None", doc: "Random samples shaped like input.", in: ["torch"]) { a in
                let rt = a.interpreter
                let t = try a.tensor("input")
                return .tensor(try rt.engine {
                    normal ? try Tensor.randn(t.shape, generator: rt.generator, dtype: try a.dtype() ?? t.dtype)
                        : try Tensor.rand(t.shape, generator: rt.generator, dtype: try a.dtype() ?? t.dtype)
                })
            }
        }
        function("randint", "*args, size=None, dtype=None", doc: "randint(high, size) or randint(low, high, size): uniform integers in [low, high).", in: ["torch"]) { a in
            let rt = a.interpreter
            var args = a.rest
            if !a.isNone("size") { args.append(a["size"]) }
            guard args.count == 2 || args.count == 3 else { throw LangError("randint() expects (high, size) or (low, high, size)") }
            let low = args.count == 3 ? try rt.intValue(args[0]) : 0
            let high = try rt.intValue(args[args.count - 2])
            guard low < high else { throw LangError("randint(): low (\(low)) must be less than high (\(high))") }
            let shape = try rt.shapeValue([args[args.count - 1]], "randint")
            return .tensor(try rt.engine {
                let t = try Tensor.randint(low: Int64(low), high: Int64(high), shape, generator: rt.generator)
                if let d = try a.dtype(), d != .int64 { return try t.to(d) }
                return t
            })
        }
        function("randperm", "n, *, dtype=None", doc: "A random permutation of 0..n-1.", in: ["torch"]) { a in
            let rt = a.interpreter
            let n = try a.int("n")
            return .tensor(try rt.engine { Tensor.constant(try rt.generator.randperm(n)) })
        }
        function("arange", "start, end=None, step=1, *, dtype=None, requires_grad=False", doc: "Values from start to end (exclusive) by step; arange(end) starts at 0.", in: ["torch"]) { a in
            var start = a["start"], end = a["end"]
            if end.isNone { (start, end) = (.int(0), start) }
            let allInts = [start, end, a["step"]].allSatisfy { if case .int = $0 { return true }; return false }
            let s = try a.interpreter.number(start) ?? { throw LangError("arange(): start must be a number") }()
            let e = try a.interpreter.number(end) ?? { throw LangError("arange(): end must be a number") }()
            let step = try a.double("step")
            if step == 0 { throw LangError("arange(): step must be nonzero") }
            return .tensor(try a.interpreter.engine {
                try Tensor.arange(start: s, end: e, step: step, dtype: try a.dtype() ?? (allInts ? .int64 : .float32),
                                  requiresGrad: try a.bool("requires_grad"))
            })
        }
        function("linspace", "start, end, steps, *, dtype=None, requires_grad=False", doc: "steps evenly spaced values from start to end.", in: ["torch"]) { a in
            .tensor(try a.interpreter.engine {
                try Tensor.linspace(try a.double("start"), try a.double("end"), steps: try a.int("steps"),
                                    dtype: try a.dtype() ?? .float32, requiresGrad: try a.bool("requires_grad"))
            })
        }
        function("eye", "n, m=None, *, dtype=None, requires_grad=False", doc: "The identity matrix.", in: ["torch"]) { a in
            .tensor(try a.interpreter.engine {
                try Tensor.eye(try a.int("n"), try a.optionalInt("m"), dtype: try a.dtype() ?? .float32, requiresGrad: try a.bool("requires_grad"))
            })
        }
        function("manual_seed", "seed", doc: "Reseeds the session's random generator (SplitMix64 + xoshiro256**, docs/random.md).", in: ["torch"]) { a in
            a.interpreter.session.manualSeed(try a.int("seed"))
            return .none
        }
        function("set_printoptions", "precision=None, threshold=None, edgeitems=None, linewidth=None, sci_mode=None", doc: "Changes how tensors print.", in: ["torch"]) { a in
            let rt = a.interpreter
            if let p = try a.optionalInt("precision") {
                guard (0...100).contains(p) else { throw LangError("set_printoptions: precision must be between 0 and 100, not \(p)") }
                rt.printOptions.precision = p
            }
            for name in ["threshold", "edgeitems", "linewidth"] {
                if let v = try a.optionalInt(name), v < 0 { throw LangError("set_printoptions: \(name) cannot be negative, not \(v)") }
            }
            if let t = try a.optionalInt("threshold") { rt.printOptions.threshold = t }
            if let e = try a.optionalInt("edgeitems") { rt.printOptions.edgeItems = e }
            if let w = try a.optionalInt("linewidth") { rt.printOptions.lineWidth = w }
            if !a.isNone("sci_mode") { rt.printOptions.sciMode = try a.bool("sci_mode") }
            return .none
        }
        function("is_tensor", "obj", doc: "Whether obj is a tensor.", in: ["torch"]) { a in
            if case .tensor = a["obj"] { return .bool(true) }
            return .bool(false)
        }
        function("Parameter", "data=None, requires_grad=True", doc: "A tensor that requires grad and is found by parameters().", in: ["nn"]) { a in
            let t = a.isNone("data") ? try a.interpreter.engine { try Tensor.zeros([0]) } : try a.tensor("data")
            let p = try a.interpreter.engine { try Tensor(t.data, requiresGrad: try a.bool("requires_grad")) }
            a.interpreter.markParameter(p)
            return .tensor(p)
        }
        function("no_grad", "", doc: "Context manager: with no_grad(): … records no graph.", in: ["torch"]) { _ in .object(GradModeContext(enabled: false)) }
        function("enable_grad", "", doc: "Context manager: re-enables gradient recording.", in: ["torch"]) { _ in .object(GradModeContext(enabled: true)) }
        function("grad", "outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False",
                 doc: "Gradients of outputs with respect to inputs, without touching .grad.", in: ["autograd"]) { a in
            let rt = a.interpreter
            let single: Bool
            if case .tensor = a["inputs"] { single = true } else { single = false }
            let outputs: [Tensor] = try { if case .tensor(let t) = a["outputs"] { return [t] }; return try rt.tensorList(a["outputs"], "outputs") }()
            let inputs: [Tensor] = single ? [try a.tensor("inputs")] : try rt.tensorList(a["inputs"], "inputs")
            var gradOutputs: [Tensor?]?
            if !a.isNone("grad_outputs") {
                if case .tensor(let g) = a["grad_outputs"] { gradOutputs = [g] } else { gradOutputs = try rt.tensorList(a["grad_outputs"], "grad_outputs") }
            }
            let retain: Bool? = a.isNone("retain_graph") ? nil : try a.bool("retain_graph")
            let grads = try rt.engine {
                try Tensor.grad(outputs: outputs, inputs: inputs, gradOutputs: gradOutputs, retainGraph: retain,
                                createGraph: try a.bool("create_graph"), allowUnused: try a.bool("allow_unused"))
            }
            _ = single
            return .tuple(grads.map { $0.map { .tensor($0) } ?? Value.none })
        }
        namespace("torch").members["autograd"] = .object(namespace("autograd"))

        // MARK: Elementwise
        let unary: [(String, (Tensor) throws -> Tensor, Bool, String)] = [
            ("exp", { try $0.exp() }, false, "e ** x, elementwise."),
            ("sqrt", { try $0.sqrt() }, false, "Square root, elementwise."),
            ("sin", { try $0.sin() }, false, "Sine, elementwise."),
            ("cos", { try $0.cos() }, false, "Cosine, elementwise."),
            ("tanh", { try $0.tanh() }, true, "Hyperbolic tangent, elementwise."),
            ("sigmoid", { try $0.sigmoid() }, true, "1 / (1 + exp(-x)), elementwise."),
            ("relu", { try $0.relu() }, true, "max(x, 0), elementwise."),
            ("neg", { try $0.neg() }, false, "-x, elementwise."),
            ("reciprocal", { try $0.reciprocal() }, false, "1 / x, elementwise."),
        ]
        for (name, f, inF, doc) in unary {
            tensorOperation(name, doc: doc, in: inF ? torchAndF : ["torch"]) { t, _ in .tensor(try f(t)) }
        }
        tensorOperation("log", doc: "Natural logarithm, elementwise (log(**columns) logs a table row).", global: false) { t, _ in .tensor(try t.log()) }
        tensorOperation("abs", doc: "Absolute value, elementwise.", global: false) { t, _ in .tensor(try t.abs()) }
        tensorOperation("square", doc: "x * x, elementwise.") { t, _ in .tensor(try t * t) }
        tensorOperation("leaky_relu", "negative_slope=0.01", doc: "x if x > 0 else negative_slope * x.", in: torchAndF) { t, a in
            .tensor(try t.leakyRelu(negativeSlope: try a.double("negative_slope")))
        }
        tensorOperation("gelu", "approximate='none'", doc: "Gaussian error linear unit.", in: torchAndF) { t, a in
            if try a.string("approximate") != "none" { throw LangError("gelu(): only approximate='none' is supported") }
            return .tensor(try t.gelu())
        }
        tensorOperation("softplus", "beta=1.0, threshold=20.0", doc: "log(1 + exp(beta * x)) / beta.", in: torchAndF) { t, a in
            .tensor(try t.softplus(beta: try a.double("beta"), threshold: try a.double("threshold")))
        }
        for name in ["clamp", "clip"] {
            tensorOperation(name, "min=None, max=None", doc: "Limits values to [min, max].") { t, a in
                .tensor(try t.clamp(min: try a.optionalDouble("min"), max: try a.optionalDouble("max")))
            }
        }
        for (name, isMax) in [("maximum", true), ("minimum", false)] {
            tensorOperation(name, "other", doc: "Elementwise \(isMax ? "larger" : "smaller") of two tensors.") { t, a in
                let o = try a.tensor("other")
                return .tensor(isMax ? try t.maximum(o) : try t.minimum(o))
            }
        }
        tensorOperation("pow", "exponent", doc: "input ** exponent.", global: false) { t, a in
            try a.interpreter.binary(.power, .tensor(t), a["exponent"])
        }
        for (name, op) in [("add", BinaryOp.add), ("sub", .subtract), ("mul", .multiply), ("div", .divide)] {
            tensorOperation(name, "other", doc: "input \(op.rawValue) other.") { t, a in try a.interpreter.binary(op, .tensor(t), a["other"]) }
        }
        for name in ["matmul", "mm", "bmm"] {
            tensorOperation(name, "other", doc: "Matrix product (1-d, 2-d and batched, with broadcasting).") { t, a in .tensor(try t.matmul(try a.tensor("other"))) }
        }
        tensorOperation("outer", "vec2", doc: "Outer product of two vectors.") { t, a in .tensor(try t.outer(try a.tensor("vec2"))) }
        tensorOperation("dot", "other", doc: "Dot product of two vectors.") { t, a in .tensor(try (t * (try a.tensor("other"))).sum()) }
        function("where", "condition, input, other", doc: "Elements of input where condition holds, else of other.", in: ["torch"]) { a in
            let rt = a.interpreter
            let c = try a.tensor("condition")
            let x: Tensor, y: Tensor
            if case .tensor(let t) = a["input"] { x = t } else if case .tensor(let t) = a["other"], let s = try rt.scalarTensor(a["input"], like: t) { x = s } else { x = try a.tensor("input") }
            if case .tensor(let t) = a["other"] { y = t } else if let s = try rt.scalarTensor(a["other"], like: x) { y = s } else { y = try a.tensor("other") }
            return .tensor(try rt.engine { try Tensor.where(c, x, y) })
        }
        method("Tensor", "masked_fill", "mask, value", doc: "Copy with value where mask is true.") { a in
            let rt = a.interpreter
            let t = try a.subject()
            let mask = try a.tensor("mask")
            guard let v = try rt.scalarTensor(a["value"], like: t) ?? (try? a.tensor("value")) else { throw LangError("masked_fill(): value must be a number") }
            return .tensor(try rt.engine { try Tensor.where(mask, v, t) })
        }

        // MARK: Reductions
        for (name, isSum) in [("sum", true), ("mean", false)] {
            tensorOperation(name, "dim=None, keepdim=False, *, dtype=None", doc: "\(isSum ? "Sum" : "Mean") over dim (all elements when None).", global: !isSum) { t0, a in
                var t = t0
                if let d = try a.dtype() { t = try t.to(d) }
                guard let dims = try a.dims() else { return .tensor(isSum ? try t.sum() : try t.mean()) }
                let keep = try a.bool("keepdim")
                return .tensor(isSum ? try t.sum(dims: dims, keepdim: keep) : try t.mean(dims: dims, keepdim: keep))
            }
        }
        for (name, isMax) in [("max", true), ("min", false)] {
            tensorOperation(name, "dim=None, keepdim=False", doc: "\(isMax ? "Largest" : "Smallest") element; with dim, (values, indices).", global: false) { t, a in
                if case .tensor(let other) = a["dim"] { return .tensor(isMax ? try t.maximum(other) : try t.minimum(other)) }
                guard let dim = try a.optionalInt("dim") else { return .tensor(isMax ? try t.max() : try t.min()) }
                let r = isMax ? try t.max(dim: dim, keepdim: try a.bool("keepdim")) : try t.min(dim: dim, keepdim: try a.bool("keepdim"))
                return .object(NamedTupleObject("torch.return_types.\(name)", names: ["values", "indices"], items: [.tensor(r.values), .tensor(r.indices)]))
            }
        }
        for (name, isMax) in [("amax", true), ("amin", false)] {
            tensorOperation(name, "dim=None, keepdim=False", doc: "\(isMax ? "Maximum" : "Minimum") over dims.") { t, a in
                let dims = try a.dims()
                let keep = try a.bool("keepdim")
                return .tensor(isMax ? try t.amax(dims: dims, keepdim: keep) : try t.amin(dims: dims, keepdim: keep))
            }
        }
        for (name, isMax) in [("argmax", true), ("argmin", false)] {
            tensorOperation(name, "dim=None, keepdim=False", doc: "Index of the \(isMax ? "largest" : "smallest") element (flattened when dim is None).") { t, a in
                let dim = try a.optionalInt("dim")
                let keep = try a.bool("keepdim")
                return .tensor(isMax ? try t.argmax(dim: dim, keepdim: keep) : try t.argmin(dim: dim, keepdim: keep))
            }
        }
        for (name, isStd) in [("var", false), ("std", true)] {
            tensorOperation(name, "dim=None, unbiased=True, keepdim=False, *, correction=None", doc: "\(isStd ? "Standard deviation" : "Variance") (Bessel-corrected by default).") { t, a in
                var correction = try a.bool("unbiased") ? 1.0 : 0.0
                if let c = try a.optionalDouble("correction") { correction = c }
                let dims = try a.dims()
                let keep = try a.bool("keepdim")
                return .tensor(isStd ? try t.std(dims: dims, correction: correction, keepdim: keep) : try t.variance(dims: dims, correction: correction, keepdim: keep))
            }
        }
        tensorOperation("logsumexp", "dim, keepdim=False", doc: "log(sum(exp(x))) over dim, computed stably.") { t, a in
            .tensor(try t.logsumexp(dims: try a.dims() ?? Array(0..<t.ndim), keepdim: try a.bool("keepdim")))
        }
        for (name, isLog) in [("softmax", false), ("log_softmax", true)] {
            tensorOperation(name, "dim=None, dtype=None", doc: isLog ? "log(softmax(x)) along dim, computed stably." : "exp(x) / sum(exp(x)) along dim.", in: torchAndF) { t0, a in
                var t = t0
                if let d = try a.dtype() { t = try t.to(d) }
                guard let dim = try a.optionalInt("dim") else {
                    throw LangError("\(name)(): pass dim explicitly (implicit dim choice is deprecated in PyTorch)")
                }
                return .tensor(isLog ? try t.logSoftmax(dim: dim) : try t.softmax(dim: dim))
            }
        }
        tensorOperation("norm", "p=2, dim=None, keepdim=False", doc: "The p-norm (p = 1, 2 or inf) over dim.") { t, a in
            let p = try a.double("p")
            let dims = try a.dims() ?? Array(0..<t.ndim)
            let keep = try a.bool("keepdim")
            if p == 2 { return .tensor(try (t * t).sum(dims: dims, keepdim: keep).sqrt()) }
            if p == 1 { return .tensor(try t.abs().sum(dims: dims, keepdim: keep)) }
            if p.isInfinite { return .tensor(try t.abs().amax(dims: dims, keepdim: keep)) }
            return .tensor(try t.abs().pow(p).sum(dims: dims, keepdim: keep).pow(1 / p))
        }

        // MARK: Shape
        for name in ["reshape", "view"] {
            method("Tensor", name, "*shape", doc: "The same data with a new shape (-1 infers one size).") { a in
                let t = try a.subject()
                let shape = try a.interpreter.shapeValue(a.rest, name)
                return .tensor(try a.interpreter.engine { name == "view" ? try t.view(shape) : try t.reshape(shape) })
            }
        }
        function("reshape", "input, shape", doc: "The same data with a new shape.", in: ["torch"]) { a in
            let t = try a.tensor("input")
            let shape = try a.interpreter.shapeValue([a["shape"]], "reshape")
            return .tensor(try a.interpreter.engine { try t.reshape(shape) })
        }
        tensorOperation("flatten", "start_dim=0, end_dim=-1", doc: "Flattens dims start_dim..end_dim into one.") { t, a in
            .tensor(try t.flatten(startDim: try a.int("start_dim"), endDim: try a.int("end_dim")))
        }
        tensorOperation("squeeze", "dim=None", doc: "Removes size-1 dims (or the given one).") { t, a in .tensor(try t.squeeze(try a.dims())) }
        tensorOperation("unsqueeze", "dim", doc: "Inserts a size-1 dim.") { t, a in .tensor(try t.unsqueeze(try a.int("dim"))) }
        tensorOperation("transpose", "dim0, dim1", doc: "Swaps two dims (a view).") { t, a in .tensor(try t.transpose(try a.int("dim0"), try a.int("dim1"))) }
        tensorOperation("t", doc: "Transpose of a matrix.") { t, _ in
            if t.ndim > 2 { throw LangError("t() expects a tensor with <= 2 dimensions, but self is \(t.ndim)D") }
            return .tensor(t.ndim < 2 ? t : try t.transpose(0, 1))
        }
        method("Tensor", "permute", "*dims", doc: "Reorders the dims (a view).") { a in
            let t = try a.subject()
            return .tensor(try a.interpreter.engine { try t.permute(try a.interpreter.shapeValue(a.rest, "permute")) })
        }
        function("permute", "input, dims", doc: "Reorders the dims (a view).", in: ["torch"]) { a in
            let t = try a.tensor("input")
            return .tensor(try a.interpreter.engine { try t.permute(try a.interpreter.shapeValue([a["dims"]], "permute")) })
        }
        method("Tensor", "expand", "*sizes", doc: "Broadcasts size-1 dims to the given sizes (-1 keeps a size).") { a in
            let t = try a.subject()
            var sizes = try a.interpreter.shapeValue(a.rest, "expand")
            let offset = sizes.count - t.ndim
            for i in sizes.indices where sizes[i] == -1 && i - offset >= 0 { sizes[i] = t.shape[i - offset] }
            return .tensor(try a.interpreter.engine { try t.expand(sizes) })
        }
        method("Tensor", "expand_as", "other", doc: "expand(other.shape).") { a in
            let t = try a.subject()
            return .tensor(try a.interpreter.engine { try t.expand(try a.tensor("other").shape) })
        }
        method("Tensor", "view_as", "other", doc: "view(other.shape).") { a in
            let t = try a.subject()
            return .tensor(try a.interpreter.engine { try t.view(try a.tensor("other").shape) })
        }
        for (name, isStack) in [("cat", false), ("stack", true)] {
            function(name, "tensors, dim=0", doc: isStack ? "Stacks tensors along a new dim." : "Concatenates tensors along an existing dim.", in: ["torch"]) { a in
                let ts = try a.interpreter.tensorList(a["tensors"], "\(name)() tensors")
                let dim = try a.int("dim")
                return .tensor(try a.interpreter.engine { isStack ? try Tensor.stack(ts, dim: dim) : try Tensor.cat(ts, dim: dim) })
            }
        }
        function("einsum", "equation, *operands", doc: "Einstein summation (the common two-operand forms).", in: ["torch"]) { a in
            var operands = a.rest
            if operands.count == 1, case .list = operands[0] { operands = try a.interpreter.iterateToArray(operands[0]) }
            let ts = try operands.map { try a.interpreter.tensorValue($0, "einsum() operand") }
            return .tensor(try a.interpreter.engine { try Tensor.einsum(try a.string("equation"), ts) })
        }
        tensorOperation("gather", "dim, index", doc: "Values along dim at the given indices.") { t, a in .tensor(try t.gather(dim: try a.int("dim"), index: try a.tensor("index"))) }
        tensorOperation("numel", doc: "Number of elements.") { t, _ in .int(t.numel()) }

        // MARK: Methods only
        method("Tensor", "size", "dim=None", doc: "The shape, or the size of one dim.") { a in
            let t = try a.subject()
            guard let d = try a.optionalInt("dim") else { return .object(SizeObject(t.shape)) }
            let i = d < 0 ? d + t.ndim : d
            guard i >= 0 && i < t.ndim else { throw LangError("Dimension out of range (expected to be in range of [\(-t.ndim), \(t.ndim - 1)], but got \(d))") }
            return .int(t.shape[i])
        }
        method("Tensor", "dim", "", doc: "Number of dims.") { a in .int(try a.subject().ndim) }
        method("Tensor", "item", "", doc: "The value of a one-element tensor as a Python number.") { a in try a.interpreter.scalarOf(try a.subject()) }
        method("Tensor", "tolist", "", doc: "The values as nested Python lists.") { a in
            let t = try a.subject()
            let values = t.data.toDoubles()
            func make(_ v: Double) -> Value {
                if t.dtype.isFloatingPoint { return .float(v) }
                if t.dtype == .bool { return .bool(v != 0) }
                return .int(Int(v))
            }
            func build(_ dim: Int, _ offset: Int) -> (Value, Int) {
                if dim == t.ndim { return (make(values[offset]), 1) }
                var items: [Value] = []
                var used = 0
                for _ in 0..<t.shape[dim] {
                    let (v, n) = build(dim + 1, offset + used)
                    items.append(v)
                    used += n
                }
                return (.list(ListObject(items)), used)
            }
            return build(0, 0).0
        }
        for (name, dtype) in [("float", DType.float32), ("double", .float64), ("long", .int64), ("int", .int64), ("bool", .bool)] {
            method("Tensor", name, "", doc: "A copy converted to \(dtype.torchName).") { a in
                let t = try a.subject()
                return .tensor(try a.interpreter.engine { try t.to(dtype) })
            }
        }
        method("Tensor", "to", "dtype", doc: "A copy converted to dtype.") { a in
            let t = try a.subject()
            if case .str(let s) = a["dtype"], s == "cpu" { return .tensor(t) }
            guard let d = try a.dtype() else { return .tensor(t) }
            return .tensor(try a.interpreter.engine { try t.to(d) })
        }
        method("Tensor", "type_as", "other", doc: "A copy with other's dtype.") { a in
            let t = try a.subject()
            return .tensor(try a.interpreter.engine { try t.to(try a.tensor("other").dtype) })
        }
        method("Tensor", "detach", "", doc: "The same data, cut from the graph.") { a in .tensor(try a.subject().detach()) }
        method("Tensor", "clone", "", doc: "A copy (differentiable).") { a in
            let t = try a.subject()
            return .tensor(try a.interpreter.engine { try t * 1.0 + 0.0 }.to(t.dtype))
        }
        method("Tensor", "contiguous", "", doc: "A contiguous tensor with the same values.") { a in
            let t = try a.subject()
            return .tensor(try a.interpreter.engine { try t.contiguous() })
        }
        method("Tensor", "requires_grad_", "requires_grad=True", doc: "Sets requires_grad in place; returns the tensor.") { a in
            let t = try a.subject()
            return .tensor(try a.interpreter.engine { try t.requiresGrad_(try a.bool("requires_grad")) })
        }
        method("Tensor", "backward", "gradient=None, retain_graph=None, create_graph=False", doc: "Accumulates gradients of this tensor into the leaves' .grad.") { a in
            let t = try a.subject()
            let retain: Bool? = a.isNone("retain_graph") ? nil : try a.bool("retain_graph")
            try a.interpreter.engine {
                try t.backward(gradient: try a.optionalTensor("gradient"), retainGraph: retain, createGraph: try a.bool("create_graph"))
            }
            return .none
        }
        method("Tensor", "zero_", "", doc: "Fills with zeros in place.") { a in
            let t = try a.subject()
            try a.interpreter.engine { try t.zero_() }
            return .tensor(t)
        }
        method("Tensor", "fill_", "value", doc: "Fills with value in place.") { a in
            let t = try a.subject()
            try a.interpreter.engine { try t.fill_(try a.double("value")) }
            return .tensor(t)
        }
        for (name, op) in [("add_", BinaryOp.add), ("sub_", .subtract), ("mul_", .multiply), ("div_", .divide)] {
            method("Tensor", name, "other, *, alpha=1", doc: "In-place \(op.rawValue).") { a in
                let rt = a.interpreter
                let t = try a.subject()
                var other = a["other"]
                if try a.double("alpha") != 1 { other = try rt.binary(.multiply, other, a["alpha"]) }
                _ = try rt.inPlaceBinary(op, .tensor(t), other)
                return .tensor(t)
            }
        }
        method("Tensor", "clamp_", "min=None, max=None", doc: "Clamps in place.") { a in
            let t = try a.subject()
            try a.interpreter.engine { try t.clamp_(min: try a.optionalDouble("min"), max: try a.optionalDouble("max")) }
            return .tensor(t)
        }
        method("Tensor", "copy_", "src", doc: "Copies src's values in place.") { a in
            let t = try a.subject()
            let src = try a.tensor("src")
            try a.interpreter.engine { try t.copy_(src) }
            return .tensor(t)
        }
        method("Tensor", "numpy", "", doc: "Not available: nn has no NumPy; use tolist().") { _ in
            throw LangError("numpy() is not available in nn; use .tolist() or .item()")
        }
    }
}
