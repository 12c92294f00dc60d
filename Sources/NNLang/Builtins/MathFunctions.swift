import Foundation

/// Python's `math` module (`import math` is accepted and ignored, `math.sqrt` works).
extension Library {
    func registerMath() {
        let unary: [(String, (Double) -> Double, String)] = [
            ("sqrt", Foundation.sqrt, "Square root."), ("exp", Foundation.exp, "e ** x."),
            ("sin", Foundation.sin, "Sine (radians)."), ("cos", Foundation.cos, "Cosine (radians)."),
            ("tan", Foundation.tan, "Tangent (radians)."), ("tanh", Foundation.tanh, "Hyperbolic tangent."),
            ("atan", Foundation.atan, "Arc tangent."), ("asin", Foundation.asin, "Arc sine."),
            ("acos", Foundation.acos, "Arc cosine."), ("log2", Foundation.log2, "Base-2 logarithm."),
            ("log10", Foundation.log10, "Base-10 logarithm."), ("fabs", Foundation.fabs, "Absolute value as a float."),
            ("log1p", Foundation.log1p, "log(1 + x)."), ("expm1", Foundation.expm1, "exp(x) - 1."),
            ("sinh", Foundation.sinh, "Hyperbolic sine."), ("cosh", Foundation.cosh, "Hyperbolic cosine."),
            ("erf", Foundation.erf, "Error function."),
        ]
        for (name, f, doc) in unary {
            function(name, "x, /", doc: doc, in: ["math"], global: false) { a in
                if case .object(let v as TraceVar) = a["x"], let traced = try v.apply(name) { return traced }
                let x = try a.double("x")
                let y = f(x)
                if y.isNaN && !x.isNaN { throw LangError("math domain error") }
                return .float(y)
            }
        }
        function("log", "x, base=None, /", doc: "Natural logarithm, or logarithm to the given base.", in: ["math"], global: false) { a in
            if case .object(let v as TraceVar) = a["x"], a.isNone("base"), let traced = try v.apply("log") { return traced }
            let x = try a.double("x")
            if x <= 0 { throw LangError("math domain error") }
            if let b = try a.optionalDouble("base") { return .float(Foundation.log(x) / Foundation.log(b)) }
            return .float(Foundation.log(x))
        }
        function("atan2", "y, x, /", doc: "Arc tangent of y/x in the right quadrant.", in: ["math"], global: false) { a in
            .float(Foundation.atan2(try a.double("y"), try a.double("x")))
        }
        function("hypot", "*coordinates", doc: "Euclidean norm.", in: ["math"], global: false) { a in
            .float(Foundation.sqrt(try a.rest.reduce(0) { s, v in
                guard let d = a.interpreter.number(v) else { throw LangError("must be real number, not \(v.typeName)") }
                return s + d * d
            }))
        }
        function("pow", "x, y, /", doc: "x ** y as floats.", in: ["math"], global: false) { a in
            .float(Foundation.pow(try a.double("x"), try a.double("y")))
        }
        for (name, f) in [("floor", { (d: Double) in d.rounded(.down) }), ("ceil", { (d: Double) in d.rounded(.up) }),
                          ("trunc", { (d: Double) in d.rounded(.towardZero) })] {
            function(name, "x, /", doc: "\(name) of x as an int.", in: ["math"], global: false) { a in
                if case .int = a["x"] { return a["x"] }
                let d = f(try a.double("x"))
                guard d.isFinite, abs(d) < 9.2e18 else { throw LangError("cannot convert float \(pythonFloatRepr(d)) to integer") }
                return .int(Int(d))
            }
        }
        function("isnan", "x, /", doc: "Whether x is NaN.", in: ["math"], global: false) { a in .bool(try a.double("x").isNaN) }
        function("isinf", "x, /", doc: "Whether x is infinite.", in: ["math"], global: false) { a in .bool(try a.double("x").isInfinite) }
        function("isfinite", "x, /", doc: "Whether x is finite.", in: ["math"], global: false) { a in .bool(try a.double("x").isFinite) }
        function("isclose", "a, b, *, rel_tol=1e-09, abs_tol=0.0", doc: "Whether a and b are close.", in: ["math"], global: false) { a in
            let x = try a.double("a"), y = try a.double("b")
            let relTol = try a.double("rel_tol"), absTol = try a.double("abs_tol")
            return .bool(x == y || abs(x - y) <= max(relTol * max(abs(x), abs(y)), absTol))
        }
        function("factorial", "n, /", doc: "n!.", in: ["math"], global: false) { a in
            let n = try a.int("n")
            if n < 0 { throw LangError("factorial() not defined for negative values") }
            var r = 1
            for i in stride(from: 2, through: max(n, 1), by: 1) {
                let (v, o) = r.multipliedReportingOverflow(by: i)
                if o { throw LangError("integer overflow: factorial(\(n)) does not fit in 64 bits") }
                r = v
            }
            return .int(r)
        }
        function("gcd", "*integers", doc: "Greatest common divisor.", in: ["math"], global: false) { a in
            var g = 0
            for v in a.rest {
                var x = abs(try a.interpreter.intValue(v)), y = g
                while y != 0 { (x, y) = (y, x % y) }
                g = x
            }
            return .int(g)
        }
        value("pi", .float(Double.pi), in: ["math", "torch"], global: false)
        value("e", .float(M_E), in: ["math", "torch"], global: false)
        value("inf", .float(.infinity), in: ["math", "torch"], global: false)
        value("nan", .float(.nan), in: ["math", "torch"], global: false)
        value("tau", .float(2 * Double.pi), in: ["math"], global: false)
    }
}
