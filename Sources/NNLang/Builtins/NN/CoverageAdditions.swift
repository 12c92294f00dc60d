import Autograd
import NN

/// Bindings for the losses, optimisers, activations and distances added for course coverage
/// (issue #6): functional forms in `F` (also globals, like the other losses), module classes in
/// `nn`, optimisers in `optim`.
extension Library {
    func registerCoverageAdditions() {
        registerMoreLosses()
        registerMoreOptimizers()
        registerMoreActivations()
    }

    private func registerMoreLosses() {
        let ns = ["F"]
        function("l1_loss", "input, target, reduction='mean'", doc: "Mean absolute error.", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.l1Loss(try a.tensor("input"), try a.tensor("target"), reduction: try a.reduction()) })
        }
        function("smooth_l1_loss", "input, target, reduction='mean', beta=1.0", doc: "Squared error below beta, absolute error above.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.smoothL1Loss(try a.tensor("input"), try a.tensor("target"), reduction: try a.reduction(), beta: try a.double("beta"))
            })
        }
        function("huber_loss", "input, target, reduction='mean', delta=1.0", doc: "Squared error below delta, delta-scaled absolute error above.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.huberLoss(try a.tensor("input"), try a.tensor("target"), reduction: try a.reduction(), delta: try a.double("delta"))
            })
        }
        function("kl_div", "input, target, reduction='mean', log_target=False", doc: "KL divergence of target from log-probabilities input.", in: ns) { a in
            .tensor(try a.interpreter.engine {
                try F.klDiv(try a.tensor("input"), try a.tensor("target"), reduction: try KLDivReduction(parsing: try a.string("reduction")),
                            logTarget: try a.bool("log_target"))
            })
        }
        moduleClass("L1Loss", "reduction='mean'", doc: "Mean absolute error.", matches: { $0 is NN.L1Loss }) { a in
            NN.L1Loss(reduction: try a.reduction())
        }
        moduleClass("SmoothL1Loss", "reduction='mean', beta=1.0", doc: "Squared error below beta, absolute error above.", matches: { $0 is NN.SmoothL1Loss }) { a in
            let beta = try a.double("beta")
            guard beta >= 0 else { throw NNError("smooth_l1_loss does not support negative values for beta.") }
            return NN.SmoothL1Loss(reduction: try a.reduction(), beta: beta)
        }
        moduleClass("HuberLoss", "reduction='mean', delta=1.0", doc: "Squared error below delta, delta-scaled absolute error above.", matches: { $0 is NN.HuberLoss }) { a in
            let delta = try a.double("delta")
            guard delta > 0 else { throw NNError("huber_loss does not support non-positive values for delta.") }
            return NN.HuberLoss(reduction: try a.reduction(), delta: delta)
        }
        moduleClass("KLDivLoss", "reduction='mean', log_target=False", doc: "KL divergence of target from log-probabilities input.", matches: { $0 is NN.KLDivLoss }) { a in
            NN.KLDivLoss(reduction: try KLDivReduction(parsing: try a.string("reduction")), logTarget: try a.bool("log_target"))
        }
    }

    private func registerMoreOptimizers() {
        function("RMSprop", "params, lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0, momentum=0, centered=False", doc: "RMSprop optimiser.", in: ["optim"]) { a in
            let params = try optimizerParameters(a)
            return .object(OptimizerObject(try a.interpreter.engine {
                try NN.RMSprop(params, lr: try a.double("lr"), alpha: try a.double("alpha"), eps: try a.double("eps"),
                               weightDecay: try a.double("weight_decay"), momentum: try a.double("momentum"), centered: try a.bool("centered"))
            }, name: "RMSprop"))
        }
        function("Adagrad", "params, lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10", doc: "Adagrad optimiser.", in: ["optim"]) { a in
            let params = try optimizerParameters(a)
            return .object(OptimizerObject(try a.interpreter.engine {
                try NN.Adagrad(params, lr: try a.double("lr"), lrDecay: try a.double("lr_decay"), weightDecay: try a.double("weight_decay"),
                               initialAccumulatorValue: try a.double("initial_accumulator_value"), eps: try a.double("eps"))
            }, name: "Adagrad"))
        }
        registerOptimizerMethods(for: ["RMSprop", "Adagrad"])
    }

    private func registerMoreActivations() {
        let ns = ["F"]
        let unary: [(String, String, (Tensor) throws -> Tensor, String, () -> NN.Module, (NN.Module) -> Bool)] = [
            ("relu6", "ReLU6", F.relu6, "min(max(x, 0), 6).", { NN.ReLU6() }, { $0 is NN.ReLU6 }),
            ("selu", "SELU", F.selu, "Scaled exponential linear unit.", { NN.SELU() }, { $0 is NN.SELU }),
            ("mish", "Mish", F.mish, "x * tanh(softplus(x)).", { NN.Mish() }, { $0 is NN.Mish }),
            ("softsign", "Softsign", F.softsign, "x / (1 + |x|).", { NN.Softsign() }, { $0 is NN.Softsign }),
            ("hardswish", "Hardswish", F.hardswish, "x * relu6(x + 3) / 6.", { NN.Hardswish() }, { $0 is NN.Hardswish }),
            ("hardsigmoid", "Hardsigmoid", F.hardsigmoid, "relu6(x + 3) / 6.", { NN.Hardsigmoid() }, { $0 is NN.Hardsigmoid }),
            ("logsigmoid", "LogSigmoid", F.logsigmoid, "log(sigmoid(x)), computed stably.", { NN.LogSigmoid() }, { $0 is NN.LogSigmoid }),
            ("tanhshrink", "Tanhshrink", F.tanhshrink, "x - tanh(x).", { NN.Tanhshrink() }, { $0 is NN.Tanhshrink }),
        ]
        for (fname, cname, f, doc, make, matches) in unary {
            function(fname, "input", doc: doc, in: ns) { a in .tensor(try a.interpreter.engine { try f(try a.tensor("input")) }) }
            moduleClass(cname, "", doc: doc, matches: matches) { _ in make() }
        }
        function("hardtanh", "input, min_val=-1.0, max_val=1.0", doc: "Clamps to [min_val, max_val].", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.hardtanh(try a.tensor("input"), minVal: try a.double("min_val"), maxVal: try a.double("max_val")) })
        }
        moduleClass("Hardtanh", "min_val=-1.0, max_val=1.0", doc: "Clamps to [min_val, max_val].", matches: { $0 is NN.Hardtanh }) { a in
            try NN.Hardtanh(minVal: try a.double("min_val"), maxVal: try a.double("max_val"))
        }
        function("softshrink", "input, lambd=0.5", doc: "Shrinks values towards 0 by lambd; zero inside [-lambd, lambd].", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.softshrink(try a.tensor("input"), lambd: try a.double("lambd")) })
        }
        moduleClass("Softshrink", "lambd=0.5", doc: "Shrinks values towards 0 by lambd; zero inside [-lambd, lambd].", matches: { $0 is NN.Softshrink }) { a in
            try NN.Softshrink(lambd: try a.double("lambd"))
        }
        function("hardshrink", "input, lambd=0.5", doc: "x where |x| > lambd, else 0.", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.hardshrink(try a.tensor("input"), lambd: try a.double("lambd")) })
        }
        moduleClass("Hardshrink", "lambd=0.5", doc: "x where |x| > lambd, else 0.", matches: { $0 is NN.Hardshrink }) { a in
            NN.Hardshrink(lambd: try a.double("lambd"))
        }
        function("prelu", "input, weight", doc: "x where x > 0, else weight * x (weight per channel or shared).", in: ns) { a in
            .tensor(try a.interpreter.engine { try F.prelu(try a.tensor("input"), weight: try a.tensor("weight")) })
        }
        moduleClass("PReLU", "num_parameters=1, init=0.25, dtype=None", doc: "Leaky ReLU with a learnable negative slope.", matches: { $0 is NN.PReLU }) { a in
            try NN.PReLU(numParameters: try a.int("num_parameters"), initialValue: try a.double("init"), dtype: try a.dtypeOrDefault)
        }
        function("normalize", "input, p=2.0, dim=1, eps=1e-12", doc: "input divided by its p-norm along dim (at least eps).", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine {
                try F.normalize(try a.tensor("input"), p: try a.double("p"), dim: try a.int("dim"), eps: try a.double("eps"))
            })
        }
        function("cosine_similarity", "x1, x2, dim=1, eps=1e-08", doc: "Cosine of the angle between x1 and x2 along dim.", in: ["F", "torch"]) { a in
            .tensor(try a.interpreter.engine {
                try F.cosineSimilarity(try a.tensor("x1"), try a.tensor("x2"), dim: try a.int("dim"), eps: try a.double("eps"))
            })
        }
        function("pairwise_distance", "x1, x2, p=2.0, eps=1e-06, keepdim=False", doc: "p-norm of x1 - x2 + eps over the last dim.", in: ["F", "torch"]) { a in
            .tensor(try a.interpreter.engine {
                try F.pairwiseDistance(try a.tensor("x1"), try a.tensor("x2"), p: try a.double("p"), eps: try a.double("eps"), keepdim: try a.bool("keepdim"))
            })
        }
        moduleClass("CosineSimilarity", "dim=1, eps=1e-08", doc: "Cosine of the angle between two inputs along dim.", matches: { $0 is NN.CosineSimilarity }) { a in
            NN.CosineSimilarity(dim: try a.int("dim"), eps: try a.double("eps"))
        }
        moduleClass("PairwiseDistance", "p=2.0, eps=1e-06, keepdim=False", doc: "p-norm of the difference of two inputs over the last dim.", matches: { $0 is NN.PairwiseDistance }) { a in
            NN.PairwiseDistance(p: try a.double("p"), eps: try a.double("eps"), keepdim: try a.bool("keepdim"))
        }
    }
}
