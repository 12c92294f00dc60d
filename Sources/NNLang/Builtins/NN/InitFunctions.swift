import Autograd
import NN
import Tensor

/// `nn.init` (torch.nn.init): in-place initialisers drawing from the session's generator.
extension Library {
    func registerInit() {
        let ns = ["nn.init"]
        namespace("nn").members["init"] = .object(namespace("nn.init"))
        func target(_ a: Arguments) throws -> Tensor { try a.tensor("tensor") }
        function("calculate_gain", "nonlinearity, param=None", doc: "The recommended gain for a nonlinearity (torch.nn.init).", in: ns, global: false) { a in
            .float(try a.interpreter.engine { try InitInPlace.gain(try a.string("nonlinearity"), param: try a.optionalDouble("param")) })
        }
        function("uniform_", "tensor, a=0.0, b=1.0", doc: "Fills the tensor with U(a, b) in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine { try InitInPlace.uniform(try target(a), low: try a.double("a"), high: try a.double("b"), generator: a.interpreter.generator) })
        }
        function("normal_", "tensor, mean=0.0, std=1.0", doc: "Fills the tensor with N(mean, std²) in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine { try InitInPlace.normal(try target(a), mean: try a.double("mean"), std: try a.double("std"), generator: a.interpreter.generator) })
        }
        function("constant_", "tensor, val", doc: "Fills the tensor with val in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine { try InitInPlace.constant(try target(a), try a.double("val")) })
        }
        function("zeros_", "tensor", doc: "Fills the tensor with zeros in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine { try InitInPlace.constant(try target(a), 0) })
        }
        function("ones_", "tensor", doc: "Fills the tensor with ones in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine { try InitInPlace.constant(try target(a), 1) })
        }
        function("xavier_uniform_", "tensor, gain=1.0", doc: "Glorot uniform: U(±gain·√(6 / (fan_in + fan_out))) in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine { try InitInPlace.xavierUniform(try target(a), gain: try a.double("gain"), generator: a.interpreter.generator) })
        }
        function("xavier_normal_", "tensor, gain=1.0", doc: "Glorot normal: N(0, gain²·2 / (fan_in + fan_out)) in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine { try InitInPlace.xavierNormal(try target(a), gain: try a.double("gain"), generator: a.interpreter.generator) })
        }
        function("kaiming_uniform_", "tensor, a=0, mode='fan_in', nonlinearity='leaky_relu'", doc: "He uniform: U(±gain·√(3 / fan)) in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine {
                try InitInPlace.kaimingUniform(try target(a), a: try a.double("a"), mode: try a.string("mode"), nonlinearity: try a.string("nonlinearity"),
                                               generator: a.interpreter.generator)
            })
        }
        function("kaiming_normal_", "tensor, a=0, mode='fan_in', nonlinearity='leaky_relu'", doc: "He normal: N(0, gain² / fan) in place.", in: ns, global: false) { a in
            .tensor(try a.interpreter.engine {
                try InitInPlace.kaimingNormal(try target(a), a: try a.double("a"), mode: try a.string("mode"), nonlinearity: try a.string("nonlinearity"),
                                              generator: a.interpreter.generator)
            })
        }
    }
}
