import Foundation
import Testing
import Tensor

@Suite struct VectorMathTests {
    /// float32 exp / sigmoid / tanh stay within a few ulp of the float64 result.
    @Test func accuracy() throws {
        var xs: [Float] = stride(from: -20.0, through: 20.0, by: 0.00731).map { Float($0) }
        xs += [0, -0.0, 1e-8, -1e-8, 1e-4, 0.6249, 0.625, 0.6251, 80, -80]
        let x = try NDArray(xs)
        let cases: [(UnaryOp, (Double) -> Double)] = [
            (.exp, { Foundation.exp($0) }),
            (.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }),
            (.tanh, { Foundation.tanh($0) }),
        ]
        for (op, reference) in cases {
            let y = try x.unary(op).toArray(Float.self)
            for (xi, yi) in zip(xs, y) {
                let r = reference(Double(xi))
                let tolerance = 4 * Double(Float(r).ulp) + 1e-38
                #expect(Swift.abs(Double(yi) - r) <= tolerance, "\(op)(\(xi)) = \(yi), expected \(r)")
            }
        }
    }

    @Test func specialValues() throws {
        let x = try NDArray([.infinity, -.infinity, .nan, 100, -100] as [Float])
        let e = try x.unary(.exp).toArray(Float.self)
        #expect(e[0] == .infinity && e[1] == 0 && e[2].isNaN && e[3] == .infinity && e[4] == 0)
        let t = try x.unary(.tanh).toArray(Float.self)
        #expect(t[0] == 1 && t[1] == -1 && t[2].isNaN && t[3] == 1 && t[4] == -1)
        let s = try x.unary(.sigmoid).toArray(Float.self)
        #expect(s[0] == 1 && s[1] == 0 && s[2].isNaN)
    }

    @Test func valueDoesNotDependOnPosition() throws {
        let v: [Float] = (0..<37).map { Float($0) * 0.37 - 6 }
        let whole = try NDArray(v).unary(.tanh).toArray(Float.self)
        for start in [0, 5, 16, 30] {
            let part = try NDArray(Array(v[start...])).unary(.tanh).toArray(Float.self)
            #expect(part == Array(whole[start...]))
        }
    }
}
