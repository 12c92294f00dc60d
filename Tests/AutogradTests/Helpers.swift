import Autograd
import Tensor

func leaf(_ values: [Double], _ shape: [Int]? = nil, dtype: DType = .float64) throws -> Tensor {
    try Tensor(NDArray(doubles: values, shape: shape ?? [values.count], dtype: dtype), requiresGrad: true)
}

func values(_ t: Tensor?) -> [Double] { t?.data.toDoubles() ?? [] }

func close(_ a: [Double], _ b: [Double], tol: Double = 1e-9) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tol * Swift.max(1, Swift.abs($1)) }
}
