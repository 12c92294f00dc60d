import Foundation

/// One tensor of a safetensors file, as raw little-endian bytes.
public struct SafetensorsEntry: Equatable, Sendable {
    public var name: String
    public var dtype: String        // "F32", "F64", "I64", "BOOL"
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(name: String, dtype: String, shape: [Int], bytes: [UInt8]) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.bytes = bytes
    }

    static func itemSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "BOOL", "U8", "I8": return 1
        default: return nil
        }
    }
}

/// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length, a JSON header `{name: {dtype, shape, data_offsets}}` padded with spaces to a
/// multiple of 8, then the tensors' bytes. The writer orders tensors as the Python package does
/// (larger item size first, then by name) so a file round-trips byte for byte.
public enum SafetensorsCodec {
    public static func encode(_ entries: [SafetensorsEntry], metadata: [String: String]? = nil) -> [UInt8] {
        let ordered = entries.sorted {
            let a = SafetensorsEntry.itemSize($0.dtype) ?? 1, b = SafetensorsEntry.itemSize($1.dtype) ?? 1
            return a != b ? a > b : $0.name < $1.name
        }
        var header = "{"
        var parts: [String] = []
        if let metadata, !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for e in ordered {
            let shape = e.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(e.name)):{\"dtype\":\"\(e.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}")
            offset += e.bytes.count
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        var n = UInt64(headerBytes.count)
        for _ in 0..<8 { out.append(UInt8(n & 0xff)); n >>= 8 }
        out += headerBytes
        for e in ordered { out += e.bytes }
        return out
    }

    public static func decode(_ bytes: [UInt8], name: String = "file") throws -> [SafetensorsEntry] {
        guard bytes.count >= 8 else { throw NNError("load: '\(name)' is not a safetensors file (too short)") }
        var n: UInt64 = 0
        for i in (0..<8).reversed() { n = n << 8 | UInt64(bytes[i]) }
        guard n <= UInt64(bytes.count - 8) else { throw NNError("load: '\(name)' has a truncated header") }
        let headerEnd = 8 + Int(n)
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])),
              let dict = json as? [String: Any] else {
            throw NNError("load: '\(name)' has an unreadable header")
        }
        var entries: [SafetensorsEntry] = []
        for (key, value) in dict where key != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2, let size = SafetensorsEntry.itemSize(dtype) else {
                throw NNError("load: '\(name)': bad header entry for '\(key)'")
            }
            let start = headerEnd + offsets[0], end = headerEnd + offsets[1]
            let count = shape.reduce(1, *)
            guard offsets[0] >= 0, start <= end, end <= bytes.count, end - start == count * size, shape.allSatisfy({ $0 >= 0 }) else {
                throw NNError("load: '\(name)': data of '\(key)' is out of bounds or has the wrong size")
            }
            entries.append(SafetensorsEntry(name: key, dtype: dtype, shape: shape, bytes: Array(bytes[start..<end])))
        }
        return entries.sorted { $0.name < $1.name }
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
