import Autograd
import Tensor

// Small conveniences NN needs on top of the engine's public API.

extension Tensor {
    /// A constant (no grad) from flat values.
    static func constant(_ values: [Double], shape: [Int], dtype: DType) throws -> Tensor {
        Tensor.constant(try NDArray(doubles: values, shape: shape, dtype: dtype))
    }

    static func constant(_ values: [Int], shape: [Int], dtype: DType) throws -> Tensor {
        try constant(values.map(Double.init), shape: shape, dtype: dtype)
    }

    /// The elements as integers (row-major), for index arguments.
    func intValues() throws -> [Int] { data.toDoubles().map { Int($0) } }

    /// The elements as Doubles (row-major).
    func doubleValues() throws -> [Double] { data.toDoubles() }

    /// Overwrites the values in place (same storage, so aliases see them), as `copy_` under no_grad.
    func assign(_ source: Tensor) throws {
        var src = source.data
        if src.dtype != dtype { src = try src.to(dtype) }
        guard src.shape == shape, data.isContiguous else {
            data = try src.contiguous()
            return
        }
        src = try src.contiguous()
        data.storage.pointer.advanced(by: data.offset * dtype.itemSize)
            .copyMemory(from: src.storage.pointer.advanced(by: src.offset * dtype.itemSize), byteCount: src.count * dtype.itemSize)
        data.storage.bumpVersion()
    }

    /// 1 / √x.
    func rsqrt() throws -> Tensor { try (try sqrt()).reciprocal() }

    /// Boolean mask `x > value`.
    func greaterThan(_ value: Double) throws -> Tensor { try compare(.gt, value) }

    func squeeze(_ dim: Int) throws -> Tensor { try squeeze(dim: dim) }

    // Shape operations routed through NN's own primitives (ShapePrimitives.swift).
    func slice(dim: Int, start: Int, end: Int) throws -> Tensor { try narrow(self, dim: dim, start: start, length: end - start) }
    func select(dim: Int, index: Int) throws -> Tensor { try (try narrow(self, dim: dim, start: index, length: 1)).squeeze(dim: dim) }
    func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        guard dim == 0 else { throw NNError("index_select: only dim=0 is supported") }
        return try gatherRows(self, try index.intValues())
    }
}
