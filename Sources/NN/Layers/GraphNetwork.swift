import Autograd
import Tensor

/// A full graph-network block (Battaglia et al. 2018, "Relational inductive biases, deep
/// learning, and graph networks", Algorithm 1), as the spec defines it:
///
///     e'_k = φᵉ(cat[e_k, v_receiver(k), v_sender(k), u])
///     v'_i = φᵛ(cat[ρ(e'_k for edges received by i), v_i, u])
///     u'   = φᵘ(cat[ρ(all e'), ρ(all v'), u])
///
/// with ρ = sum, mean or max; an empty neighbourhood aggregates to zeros. `globals` is
/// `[1, d_u]`. Gathers and aggregations are products with constant incidence matrices (and a
/// masked max), so gradients need no scatter primitive.
///
/// ```swift
/// let gn = GraphNetwork(edgeModel: .module(edgeMLP), nodeModel: .module(nodeMLP), globalModel: .module(globalMLP))
/// let (v, e, u) = try gn.forward(nodes: v, edges: e, senders: s, receivers: r, globals: u)
/// ```
public final class GraphNetwork: Module {
    /// A sub-model: a module (its parameters are registered) or a plain function.
    public enum Model {
        case module(Module)
        case function((Tensor) throws -> Tensor)

        func callAsFunction(_ x: Tensor) throws -> Tensor {
            switch self {
            case .module(let m): return try m.forward(x)
            case .function(let f): return try f(x)
            }
        }
    }

    public enum Aggregation: String, Sendable {
        case sum, mean, max
        public init(parsing text: String) throws {
            guard let a = Aggregation(rawValue: text) else {
                throw NNError("GraphNetwork: aggregation must be 'sum', 'mean' or 'max', not '\(text)'")
            }
            self = a
        }
    }

    public let edgeModel: Model, nodeModel: Model, globalModel: Model
    public let aggregation: Aggregation

    public init(edgeModel: Model, nodeModel: Model, globalModel: Model, aggregation: Aggregation = .sum) {
        self.edgeModel = edgeModel
        self.nodeModel = nodeModel
        self.globalModel = globalModel
        self.aggregation = aggregation
        super.init()
        for (name, model) in [("edge_model", edgeModel), ("node_model", nodeModel), ("global_model", globalModel)] {
            if case .module(let m) = model { registerModule(name, m) }
        }
    }

    public override var extraRepr: String { "aggregation='\(aggregation.rawValue)'" }

    /// `gn(nodes [n, d_v], edges [m, d_e], senders [m], receivers [m], globals [1, d_u])` → `(nodes', edges', globals')`.
    public func forward(nodes: Tensor, edges: Tensor, senders: Tensor, receivers: Tensor, globals: Tensor) throws -> (Tensor, Tensor, Tensor) {
        guard nodes.ndim == 2, edges.ndim == 2, globals.ndim == 2, globals.shape[0] == 1 else {
            throw NNError("GraphNetwork: expected nodes [n, d_v], edges [m, d_e] and globals [1, d_u], got \(shapeString(nodes.shape)), \(shapeString(edges.shape)), \(shapeString(globals.shape))")
        }
        let n = nodes.shape[0], m = edges.shape[0]
        let send = try indexList("senders", senders, count: m, nodes: n)
        let recv = try indexList("receivers", receivers, count: m, nodes: n)
        let dtype = nodes.dtype
        // incidence matrices: R[k, i] = 1 if receiver(k) = i (gather), Rᵀ aggregates
        let receiverOf = try incidence(recv, rows: m, cols: n, dtype: dtype)
        let senderOf = try incidence(send, rows: m, cols: n, dtype: dtype)
        let uEdges = try globals.expand([m, globals.shape[1]])
        let edgeInput = try Tensor.cat([edges, try receiverOf.matmul(nodes), try senderOf.matmul(nodes), uEdges], dim: 1)
        let newEdges = try edgeModel(edgeInput)
        guard newEdges.ndim == 2, newEdges.shape[0] == m else {
            throw NNError("GraphNetwork: edge_model must return [\(m), d], got \(shapeString(newEdges.shape))")
        }
        let receivedByNode = try aggregate(newEdges, groups: recv, groupCount: n, dtype: dtype)
        let uNodes = try globals.expand([n, globals.shape[1]])
        let newNodes = try nodeModel(try Tensor.cat([receivedByNode, nodes, uNodes], dim: 1))
        guard newNodes.ndim == 2, newNodes.shape[0] == n else {
            throw NNError("GraphNetwork: node_model must return [\(n), d], got \(shapeString(newNodes.shape))")
        }
        let allEdges = try aggregate(newEdges, groups: [Int](repeating: 0, count: m), groupCount: 1, dtype: dtype)
        let allNodes = try aggregate(newNodes, groups: [Int](repeating: 0, count: n), groupCount: 1, dtype: dtype)
        let newGlobals = try globalModel(try Tensor.cat([allEdges, allNodes, globals], dim: 1))
        return (newNodes, newEdges, newGlobals)
    }

    private func indexList(_ name: String, _ t: Tensor, count: Int, nodes: Int) throws -> [Int] {
        guard t.dtype == .int64, t.shape == [count] else {
            throw NNError("GraphNetwork: \(name) must be an int64 tensor of shape [\(count)], got \(t.dtype.rawValue) \(shapeString(t.shape))")
        }
        let values = try t.intValues()
        for v in values where v < 0 || v >= nodes {
            throw NNError("GraphNetwork: \(name) index \(v) is out of range for \(nodes) nodes")
        }
        return values
    }

    private func incidence(_ index: [Int], rows: Int, cols: Int, dtype: DType) throws -> Tensor {
        var data = [Double](repeating: 0, count: rows * cols)
        for (k, i) in index.enumerated() { data[k * cols + i] = 1 }
        return try Tensor.constant(data, shape: [rows, cols], dtype: dtype)
    }

    /// ρ over the rows of `values [m, d]` grouped by `groups[k] ∈ 0..<groupCount` → `[groupCount, d]`.
    private func aggregate(_ values: Tensor, groups: [Int], groupCount: Int, dtype: DType) throws -> Tensor {
        let m = values.shape[0], d = values.shape[1]
        var counts = [Double](repeating: 0, count: groupCount)
        for g in groups { counts[g] += 1 }
        switch aggregation {
        case .sum, .mean:
            var scatter = [Double](repeating: 0, count: groupCount * m)
            for (k, g) in groups.enumerated() {
                scatter[g * m + k] = aggregation == .sum ? 1 : 1 / counts[g]
            }
            return try (try Tensor.constant(scatter, shape: [groupCount, m], dtype: dtype)).matmul(values)
        case .max:
            if m == 0 { return try Tensor.constant([Double](repeating: 0, count: groupCount * d), shape: [groupCount, d], dtype: dtype) }
            // [G, m, d]: values where k belongs to the group, −∞ elsewhere; max over k; empty groups → 0
            var bias = [Double](repeating: -.infinity, count: groupCount * m)
            for (k, g) in groups.enumerated() { bias[g * m + k] = 0 }
            let masked = try (try values.unsqueeze(0)) + (try Tensor.constant(bias, shape: [groupCount, m, 1], dtype: dtype))
            let maxed = try masked.amax(dims: [1])
            let nonEmpty = try Tensor.constant(counts.map { $0 > 0 ? 1 : 0 }, shape: [groupCount, 1], dtype: dtype)
            // where(nonEmpty, max, 0) without multiplying −∞ by 0
            return try Tensor.where(try nonEmpty.greaterThan(0), maxed, try Tensor.constant([0], shape: [], dtype: dtype))
        }
    }
}
