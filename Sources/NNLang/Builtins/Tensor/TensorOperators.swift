import Autograd
import Tensor

/// `a op b` on tensors; nil for operators tensors do not define (`in`, `is`). The
/// engine's operator enum shares its name with the syntax's, so it is only named by
/// its cases here.
func compareTensors(_ a: Tensor, _ op: CompareOp, _ b: Tensor) throws -> Tensor? {
    switch op {
    case .less: return try a.compare(.lt, b)
    case .lessEqual: return try a.compare(.le, b)
    case .greater: return try a.compare(.gt, b)
    case .greaterEqual: return try a.compare(.ge, b)
    case .equal: return try a.compare(.eq, b)
    case .notEqual: return try a.compare(.ne, b)
    default: return nil
    }
}

/// The language's operators on tensors: arithmetic with broadcasting and PyTorch's type
/// promotion (numbers become 0-d tensors), comparisons giving bool tensors, in-place
/// updates for `+=` and friends (as PyTorch), and one-element tensors as numbers.
extension Library {
    func installTensorOperators() {
        tensorBinary = { op, l, r, rt in
            let a: Tensor, b: Tensor
            switch (l, r) {
            case (.tensor(let x), .tensor(let y)): (a, b) = (x, y)
            case (.tensor(let x), _):
                guard let y = try rt.engine({ try rt.scalarTensor(r, like: x) }) else { return nil }
                (a, b) = (x, y)
            case (_, .tensor(let y)):
                guard let x = try rt.engine({ try rt.scalarTensor(l, like: y) }) else { return nil }
                (a, b) = (x, y)
            default: return nil
            }
            return .tensor(try rt.engine {
                switch op {
                case .add: return try a + b
                case .subtract: return try a - b
                case .multiply: return try a * b
                case .divide: return try a / b
                case .power:
                    if case .tensor = l, let e = rt.number(r) { return try a.pow(e) }
                    return try a.pow(b)
                case .matmul: return try a.matmul(b)
                case .floorDivide: return Tensor.constant(try a.data.binary(.floorDivide, b.data))
                case .modulo: return Tensor.constant(try a.data.binary(.remainder, b.data))
                case .bitAnd, .bitOr, .bitXor:
                    guard a.dtype == .bool, b.dtype == .bool else {
                        throw LangError("\(op.rawValue) on tensors needs bool tensors (masks), got \(a.dtype.rawValue) and \(b.dtype.rawValue)")
                    }
                    // Logical on bools (the usual mask algebra); 0/1 arithmetic on the engine.
                    let x = try a.to(.int64), y = try b.to(.int64)
                    let combined: Tensor
                    switch op {
                    case .bitAnd: combined = try x * y
                    case .bitOr: combined = try (x + y).clamp(max: 1)
                    default: combined = try (x - y).abs()
                    }
                    return try combined.to(.bool)
                }
            })
        }
        tensorInPlace = { op, l, r, rt in
            guard case .tensor(let a) = l else { return nil }
            let other: Tensor
            if let s = try rt.engine({ try rt.scalarTensor(r, like: a) }) { other = s } else if case .tensor(let t) = r { other = t } else { return nil }
            try rt.engine {
                switch op {
                case .add: try a.add_(other)
                case .subtract: try a.sub_(other)
                case .multiply: try a.mul_(other)
                case .divide: try a.div_(other)
                default:
                    let result = try rt.binary(op, l, r)
                    guard case .tensor(let t) = result else { return }
                    try a.copy_(t)
                }
            }
            return l
        }
        tensorInvert = { v, rt in
            guard case .tensor(let t) = v else { return nil }
            guard t.dtype == .bool else { throw LangError("~ on tensors needs a bool tensor (got \(t.dtype.rawValue))") }
            return .tensor(try rt.engine { Tensor.constant(try t.data.unary(.logicalNot)) })
        }
        tensorUnary = { negate, v, rt in
            guard case .tensor(let t) = v else { return nil }
            return negate ? .tensor(try rt.engine { try -t }) : v
        }
        tensorCompare = { op, l, r, rt in
            switch op {
            case .isIn, .notIn, .is, .isNot: return nil
            default: break
            }
            switch (l, r) {
            case (.tensor(let a), .tensor(let b)): return .tensor(try rt.engine { try compareTensors(a, op, b)! })
            case (.tensor(let a), _):
                guard let b = try rt.engine({ try rt.scalarTensor(r, like: a) }) else {
                    if op == .equal { return .bool(false) }
                    if op == .notEqual { return .bool(true) }
                    return nil
                }
                return .tensor(try rt.engine { try compareTensors(a, op, b)! })
            case (_, .tensor(let b)):
                guard let a = try rt.engine({ try rt.scalarTensor(l, like: b) }) else {
                    if op == .equal { return .bool(false) }
                    if op == .notEqual { return .bool(true) }
                    return nil
                }
                return .tensor(try rt.engine { try compareTensors(a, op, b)! })
            default: return nil
            }
        }
        tensorScalar = { v, rt in
            guard case .tensor(let t) = v else { return nil }
            return try rt.engine { try rt.scalarOf(t) }
        }
        makeTensor = { xs in
            (try? Tensor.from(xs, shape: [xs.count], dtype: .float32)).map { .tensor($0) }
        }
        tensorValues = { v in
            guard case .tensor(let t) = v else { return nil }
            return t.data.toDoubles()
        }
        isParameter = { v in
            guard case .tensor(let t) = v else { return false }
            return t.isLeaf && t.requiresGrad
        }
        clearGradient = { v, setToNone in
            guard case .tensor(let t) = v, let g = t.grad else { return }
            if setToNone { t.grad = nil } else { try g.zero_() }
        }
    }
}
