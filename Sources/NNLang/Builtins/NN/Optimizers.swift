import Autograd
import NN

/// An optimiser as a language value: `step()`, `zero_grad()`, and `lr` / `param_groups`.
final class OptimizerObject: NativeObject {
    let optimizer: NN.Optimizer
    let name: String
    init(_ optimizer: NN.Optimizer, name: String) {
        self.optimizer = optimizer
        self.name = name
    }
    override var typeName: String { name }
    override func repr(_ interpreter: Interpreter) throws -> String { "\(name)(lr=\(pythonFloatRepr(optimizer.lr)))" }
    override func attribute(_ name: String, _ interpreter: Interpreter) throws -> Value? {
        switch name {
        case "lr": return .float(optimizer.lr)
        case "param_groups": return .list(ListObject([.object(ParamGroupView(self))]))
        default: return nil
        }
    }
    override func setAttribute(_ name: String, _ value: Value, _ interpreter: Interpreter) throws {
        guard name == "lr", let lr = interpreter.number(value) else { try super.setAttribute(name, value, interpreter); return }
        optimizer.lr = lr
    }
}

/// `optimizer.param_groups[0]`: reading and writing `'lr'` reaches the optimiser.
final class ParamGroupView: NativeObject {
    let owner: OptimizerObject
    init(_ owner: OptimizerObject) { self.owner = owner }
    override var typeName: String { "dict" }
    override func getItem(_ index: Value, _ interpreter: Interpreter) throws -> Value {
        guard case .str("lr") = index else { throw LangError("KeyError: \(try interpreter.repr(index)) (param groups expose 'lr')") }
        return .float(owner.optimizer.lr)
    }
    override func setItem(_ index: Value, _ value: Value, _ interpreter: Interpreter) throws {
        guard case .str("lr") = index, let lr = interpreter.number(value) else { throw LangError("param groups expose 'lr' only") }
        owner.optimizer.lr = lr
    }
}

/// What the language needs of a learning-rate schedule: `step()` (ReduceLROnPlateau: `step(metric)`).
protocol LearningRateSchedule: AnyObject {
    func advance(metric: Double?) throws
    var lastLR: Double { get }
}
extension NN.StepLR: LearningRateSchedule { func advance(metric: Double?) { step() } }
extension NN.CosineAnnealingLR: LearningRateSchedule { func advance(metric: Double?) { step() } }
extension NN.ExponentialLR: LearningRateSchedule { func advance(metric: Double?) { step() } }
extension NN.MultiStepLR: LearningRateSchedule { func advance(metric: Double?) { step() } }
extension NN.LinearLR: LearningRateSchedule { func advance(metric: Double?) { step() } }
extension NN.LambdaLR: LearningRateSchedule { func advance(metric: Double?) throws { try step() } }
extension NN.CosineAnnealingWarmRestarts: LearningRateSchedule { func advance(metric: Double?) throws { try step(epoch: metric) } }
extension NN.ReduceLROnPlateau: LearningRateSchedule {
    func advance(metric: Double?) throws {
        guard let metric else { throw LangError("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'") }
        step(metric)
    }
}

/// `StepLR(optimizer, step_size, gamma)`, `CosineAnnealingLR(optimizer, T_max, eta_min)`.
final class SchedulerObject: NativeObject {
    let scheduler: any LearningRateSchedule
    let name: String
    init(_ scheduler: any LearningRateSchedule, name: String = "StepLR") {
        self.scheduler = scheduler
        self.name = name
    }
    override var typeName: String { name }
}

/// The `params` argument of an optimiser constructor: a non-empty iterable of tensors.
func optimizerParameters(_ a: Arguments) throws -> [Tensor] {
    let items = try a.interpreter.iterateToArray(a["params"])
    if items.isEmpty { throw LangError("optimizer got an empty parameter list") }
    return try items.map { try a.interpreter.tensorValue($0, "optimizer parameter") }
}

extension Library {
    /// `step()` and `zero_grad()` for the optimiser classes named `types`.
    func registerOptimizerMethods(for types: [String]) {
        for type in types {
            method(type, "step", "", doc: "Updates the parameters from their gradients.") { a in
                guard case .object(let o as OptimizerObject) = a.receiver else { return .none }
                try a.interpreter.engine { try o.optimizer.step() }
                return .none
            }
            method(type, "zero_grad", "set_to_none=True", doc: "Clears the parameters' gradients.") { a in
                guard case .object(let o as OptimizerObject) = a.receiver else { return .none }
                o.optimizer.zeroGrad()
                return .none
            }
        }
    }

    func registerOptimizers() {
        function("SGD", "params, lr=0.001, momentum=0, dampening=0, weight_decay=0, nesterov=False", doc: "Stochastic gradient descent (with momentum).", in: ["optim"]) { a in
            .object(OptimizerObject(try a.interpreter.engine {
                try NN.SGD(try optimizerParameters(a), lr: try a.double("lr"), momentum: try a.double("momentum"), dampening: try a.double("dampening"),
                           weightDecay: try a.double("weight_decay"), nesterov: try a.bool("nesterov"))
            }, name: "SGD"))
        }
        for (name, decoupled) in [("Adam", false), ("AdamW", true)] {
            function(name, "params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=\(decoupled ? "0.01" : "0"), amsgrad=False", doc: "\(name) optimiser.", in: ["optim"]) { a in
                let betas = try a.interpreter.iterateToArray(a["betas"]).map { try a.interpreter.number($0) ?? { throw LangError("betas must be numbers") }() }
                guard betas.count == 2 else { throw LangError("\(name)(): betas must be a pair") }
                let params = try optimizerParameters(a)
                let opt: NN.Optimizer = try a.interpreter.engine {
                    decoupled ? try NN.AdamW(params, lr: try a.double("lr"), betas: (betas[0], betas[1]), eps: try a.double("eps"), weightDecay: try a.double("weight_decay"), amsgrad: try a.bool("amsgrad"))
                        : try NN.Adam(params, lr: try a.double("lr"), betas: (betas[0], betas[1]), eps: try a.double("eps"), weightDecay: try a.double("weight_decay"), amsgrad: try a.bool("amsgrad"))
                }
                return .object(OptimizerObject(opt, name: name))
            }
        }
        function("StepLR", "optimizer, step_size, gamma=0.1", doc: "Multiplies the learning rate by gamma every step_size steps.", in: ["optim", "lr_scheduler"]) { a in
            guard case .object(let o as OptimizerObject) = a["optimizer"] else { throw LangError("StepLR(): optimizer must be an optimiser") }
            return .object(SchedulerObject(try a.interpreter.engine { try NN.StepLR(o.optimizer, stepSize: try a.int("step_size"), gamma: try a.double("gamma")) }))
        }
        namespace("optim").members["lr_scheduler"] = .object(namespace("lr_scheduler"))
        registerOptimizerMethods(for: ["SGD", "Adam", "AdamW"])
        function("CosineAnnealingLR", "optimizer, T_max, eta_min=0.0", doc: "Anneals the learning rate to eta_min along a half cosine over T_max steps.", in: ["optim", "lr_scheduler"]) { a in
            guard case .object(let o as OptimizerObject) = a["optimizer"] else { throw LangError("CosineAnnealingLR(): optimizer must be an optimiser") }
            let s = try a.interpreter.engine { try NN.CosineAnnealingLR(o.optimizer, tMax: try a.int("T_max"), etaMin: try a.double("eta_min")) }
            return .object(SchedulerObject(s, name: "CosineAnnealingLR"))
        }
        registerMoreSchedules()
        for type in ["StepLR", "CosineAnnealingLR", "ExponentialLR", "MultiStepLR", "LinearLR", "LambdaLR"] {
            method(type, "step", "", doc: "Advances the schedule by one epoch.") { a in
                guard case .object(let o as SchedulerObject) = a.receiver else { return .none }
                try o.scheduler.advance(metric: nil)
                return .none
            }
            method(type, "get_last_lr", "", doc: "The current learning rate, as a one-element list.") { a in
                guard case .object(let o as SchedulerObject) = a.receiver else { return .none }
                return .list(ListObject([.float(o.scheduler.lastLR)]))
            }
        }
        // torch.nn.utils.clip_grad_norm_ (nn.utils also reaches it as torch.nn.utils)
        function("clip_grad_norm_", "parameters, max_norm, norm_type=2.0, error_if_nonfinite=False", doc: "Scales the gradients so their total norm is at most max_norm; returns the total norm.", in: ["nn.utils"]) { a in
            let rt = a.interpreter
            let params: [Tensor]
            if case .tensor(let t) = a["parameters"] { params = [t] } else {
                params = try rt.iterateToArray(a["parameters"]).map { try rt.tensorValue($0, "clip_grad_norm_() parameter") }
            }
            guard let maxNorm = rt.number(a["max_norm"]) else { throw LangError("clip_grad_norm_(): max_norm must be a number") }
            let normType: Double
            if case .str(let s) = a["norm_type"], s == "inf" { normType = .infinity } else {
                guard let n = rt.number(a["norm_type"]) else { throw LangError("clip_grad_norm_(): norm_type must be a number or 'inf'") }
                normType = n
            }
            return .tensor(try rt.engine { try F.clipGradNorm(params, maxNorm: maxNorm, normType: normType, errorIfNonfinite: try a.bool("error_if_nonfinite")) })
        }
        namespace("nn").members["utils"] = .object(namespace("nn.utils"))
    }
}

extension Library {
    /// The other `torch.optim.lr_scheduler` schedules courses use, and `nn.utils.clip_grad_value_`.
    func registerMoreSchedules() {
        let ns = ["optim", "lr_scheduler"]
        func optimizer(_ a: Arguments, _ name: String) throws -> NN.Optimizer {
            guard case .object(let o as OptimizerObject) = a["optimizer"] else { throw LangError("\(name)(): optimizer must be an optimiser") }
            return o.optimizer
        }
        function("ExponentialLR", "optimizer, gamma", doc: "Multiplies the learning rate by gamma every step.", in: ns) { a in
            .object(SchedulerObject(NN.ExponentialLR(try optimizer(a, "ExponentialLR"), gamma: try a.double("gamma")), name: "ExponentialLR"))
        }
        function("MultiStepLR", "optimizer, milestones, gamma=0.1", doc: "Multiplies the learning rate by gamma at each milestone epoch.", in: ns) { a in
            let milestones = try a.interpreter.iterateToArray(a["milestones"]).map { try a.interpreter.intValue($0) }
            let s = try a.interpreter.engine { try NN.MultiStepLR(try optimizer(a, "MultiStepLR"), milestones: milestones, gamma: try a.double("gamma")) }
            return .object(SchedulerObject(s, name: "MultiStepLR"))
        }
        function("LinearLR", "optimizer, start_factor=0.3333333333333333, end_factor=1.0, total_iters=5", doc: "Scales the learning rate linearly from start_factor to end_factor over total_iters steps.", in: ns) { a in
            let s = try a.interpreter.engine {
                try NN.LinearLR(try optimizer(a, "LinearLR"), startFactor: try a.double("start_factor"), endFactor: try a.double("end_factor"),
                                totalIters: try a.int("total_iters"))
            }
            return .object(SchedulerObject(s, name: "LinearLR"))
        }
        function("LambdaLR", "optimizer, lr_lambda", doc: "Sets the learning rate to the initial one times lr_lambda(epoch).", in: ns) { a in
            let rt = a.interpreter, f = a["lr_lambda"]
            let s = try NN.LambdaLR(try optimizer(a, "LambdaLR")) { [unowned rt] epoch in
                let v = try rt.call(f, [.int(epoch)])
                guard let factor = rt.number(v) else { throw LangError("LambdaLR: lr_lambda must return a number, not \(v.typeName)") }
                return factor
            }
            return .object(SchedulerObject(s, name: "LambdaLR"))
        }
        function("ReduceLROnPlateau", "optimizer, mode='min', factor=0.1, patience=10, threshold=0.0001, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-08", doc: "Multiplies the learning rate by factor when the metric passed to step() stops improving.", in: ns) { a in
            let s = try a.interpreter.engine {
                try NN.ReduceLROnPlateau(try optimizer(a, "ReduceLROnPlateau"), mode: try a.string("mode"), factor: try a.double("factor"),
                                         patience: try a.int("patience"), threshold: try a.double("threshold"), thresholdMode: try a.string("threshold_mode"),
                                         cooldown: try a.int("cooldown"), minLR: try a.double("min_lr"), eps: try a.double("eps"))
            }
            return .object(SchedulerObject(s, name: "ReduceLROnPlateau"))
        }
        function("CosineAnnealingWarmRestarts", "optimizer, T_0, T_mult=1, eta_min=0.0", doc: "Cosine annealing over T_0 steps, restarting with periods multiplied by T_mult.", in: ns) { a in
            let s = try a.interpreter.engine {
                try NN.CosineAnnealingWarmRestarts(try optimizer(a, "CosineAnnealingWarmRestarts"), t0: try a.int("T_0"), tMult: try a.int("T_mult"),
                                                   etaMin: try a.double("eta_min"))
            }
            return .object(SchedulerObject(s, name: "CosineAnnealingWarmRestarts"))
        }
        method("CosineAnnealingWarmRestarts", "step", "epoch=None", doc: "Advances one step, or to a (fractional) epoch.") { a in
            guard case .object(let o as SchedulerObject) = a.receiver else { return .none }
            try a.interpreter.engine { try o.scheduler.advance(metric: a.isNone("epoch") ? nil : try a.double("epoch")) }
            return .none
        }
        method("CosineAnnealingWarmRestarts", "get_last_lr", "", doc: "The current learning rate, as a one-element list.") { a in
            guard case .object(let o as SchedulerObject) = a.receiver else { return .none }
            return .list(ListObject([.float(o.scheduler.lastLR)]))
        }
        method("ReduceLROnPlateau", "step", "metrics", doc: "Reduces the learning rate if the metric has not improved for more than patience steps.") { a in
            guard case .object(let o as SchedulerObject) = a.receiver else { return .none }
            guard let metric = a.interpreter.number(a["metrics"]) ?? (try? a.interpreter.tensorValue(a["metrics"], "metrics").item()) else {
                throw LangError("ReduceLROnPlateau.step(): metrics must be a number or a one-element tensor")
            }
            try o.scheduler.advance(metric: metric)
            return .none
        }
        method("ReduceLROnPlateau", "get_last_lr", "", doc: "The current learning rate, as a one-element list.") { a in
            guard case .object(let o as SchedulerObject) = a.receiver else { return .none }
            return .list(ListObject([.float(o.scheduler.lastLR)]))
        }
        function("clip_grad_value_", "parameters, clip_value", doc: "Clamps every gradient to [-clip_value, clip_value] in place.", in: ["nn.utils"]) { a in
            let rt = a.interpreter
            let params: [Tensor]
            if case .tensor(let t) = a["parameters"] { params = [t] } else {
                params = try rt.iterateToArray(a["parameters"]).map { try rt.tensorValue($0, "clip_grad_value_() parameter") }
            }
            try rt.engine { try F.clipGradValue(params, clipValue: try a.double("clip_value")) }
            return .none
        }
    }
}
