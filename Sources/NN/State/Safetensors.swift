import Autograd
import Foundation
import Tensor

/// `save(model, "name.safetensors")` / `load(model, "name.safetensors")`: a model's
/// `namedParameters()` and buffers in the safetensors format (readable by Python's `safetensors`
/// and `torch`'s `load_state_dict` since the names are PyTorch's). Paths are resolved by the
/// caller inside the notebook's folder (see `SandboxedPath`).
public enum Safetensors {
    public static func entries(of module: Module) throws -> [SafetensorsEntry] {
        try (module.namedParameters() + module.namedBuffers()).map { name, t in try entry(name, t.data) }
    }

    static func entry(_ name: String, _ array: NDArray) throws -> SafetensorsEntry {
        let a = try array.contiguous()
        let dtype: String
        switch a.dtype {
        case .float32: dtype = "F32"
        case .float64: dtype = "F64"
        case .int64: dtype = "I64"
        case .bool: dtype = "BOOL"
        }
        let bytes = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(a.storage.pointer) + a.offset * a.dtype.itemSize,
                                                 count: a.count * a.dtype.itemSize))
        return SafetensorsEntry(name: name, dtype: dtype, shape: a.shape, bytes: bytes)
    }

    static func array(_ e: SafetensorsEntry) throws -> NDArray {
        let dtype: DType
        switch e.dtype {
        case "F32": dtype = .float32
        case "F64": dtype = .float64
        case "I64": dtype = .int64
        case "BOOL": dtype = .bool
        default: throw NNError("load: tensor '\(e.name)' has unsupported dtype \(e.dtype)")
        }
        let out = try NDArray.empty(e.shape, dtype: dtype)
        e.bytes.withUnsafeBytes { src in
            if let base = src.baseAddress { out.storage.pointer.copyMemory(from: base, byteCount: e.bytes.count) }
        }
        return out
    }

    /// The bytes of the model's safetensors file.
    public static func encoded(_ module: Module) throws -> [UInt8] {
        SafetensorsCodec.encode(try entries(of: module))
    }

    /// Writes the model's tensors to `url` (atomically).
    public static func save(_ module: Module, to url: URL) throws {
        try Data(try encoded(module)).write(to: url, options: .atomic)
    }

    /// Reads `url` and copies every tensor into the model's parameter or buffer of the same name.
    /// Names missing on either side and shape mismatches are errors (PyTorch's `strict=True`).
    public static func load(into module: Module, from url: URL) throws {
        let bytes = try SandboxedPath.readRegularFile(url, name: url.lastPathComponent)
        let entries = try SafetensorsCodec.decode(bytes, name: url.lastPathComponent)
        let targets = Dictionary(module.namedParameters() + module.namedBuffers(), uniquingKeysWith: { a, _ in a })
        let fileNames = Set(entries.map(\.name))
        let missing = targets.keys.filter { !fileNames.contains($0) }.sorted()
        let unexpected = entries.map(\.name).filter { targets[$0] == nil }
        if !missing.isEmpty || !unexpected.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing keys: " + missing.joined(separator: ", ")) }
            if !unexpected.isEmpty { parts.append("unexpected keys: " + unexpected.joined(separator: ", ")) }
            throw NNError("load: '\(url.lastPathComponent)' does not match the model (\(parts.joined(separator: "; ")))")
        }
        for e in entries {
            let target = targets[e.name]!
            guard e.shape == target.shape else {
                throw NNError("load: '\(e.name)' has shape \(shapeString(e.shape)) in the file, \(shapeString(target.shape)) in the model")
            }
            var values = try array(e)
            if values.dtype != target.dtype { values = try values.to(target.dtype) }
            try target.assign(Tensor.constant(values))
        }
    }
}
