// A small DEFLATE (RFC 1951) decoder for the gzip-compressed resources shipped with NN.
// Foundation on Linux exposes no gzip decoder and linking zlib would need a system-library
// target; the digits resource is 57 KB, so a straightforward decoder is fast enough.

/// Errors of the gzip / DEFLATE decoder (only reachable with a corrupted resource).
struct InflateError: Error, CustomStringConvertible {
    let description: String
}

/// Decompresses a gzip member (RFC 1952): header, DEFLATE stream; the trailer is not verified.
func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    guard bytes.count >= 18, bytes[0] == 0x1f, bytes[1] == 0x8b, bytes[2] == 8 else {
        throw InflateError(description: "gunzip: not a gzip stream")
    }
    let flags = bytes[3]
    var pos = 10
    if flags & 4 != 0 {  // FEXTRA
        guard pos + 2 <= bytes.count else { throw InflateError(description: "gunzip: truncated header") }
        pos += 2 + Int(bytes[pos]) + Int(bytes[pos + 1]) << 8
    }
    if flags & 8 != 0 { while pos < bytes.count && bytes[pos] != 0 { pos += 1 }; pos += 1 }   // FNAME
    if flags & 16 != 0 { while pos < bytes.count && bytes[pos] != 0 { pos += 1 }; pos += 1 }  // FCOMMENT
    if flags & 2 != 0 { pos += 2 }  // FHCRC
    guard pos < bytes.count else { throw InflateError(description: "gunzip: truncated header") }
    var reader = BitReader(bytes: bytes, position: pos)
    return try inflate(&reader)
}

struct BitReader {
    let bytes: [UInt8]
    var position: Int
    var bitBuffer: UInt32 = 0
    var bitCount: Int = 0

    init(bytes: [UInt8], position: Int) {
        self.bytes = bytes
        self.position = position
    }

    mutating func bits(_ n: Int) throws -> Int {
        while bitCount < n {
            guard position < bytes.count else { throw InflateError(description: "inflate: unexpected end of data") }
            bitBuffer |= UInt32(bytes[position]) << UInt32(bitCount)
            position += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt32(n)) - 1))
        bitBuffer >>= UInt32(n)
        bitCount -= n
        return value
    }

    mutating func alignToByte() {
        bitBuffer = 0
        bitCount = 0
    }
}

/// Canonical Huffman code: counts per length and symbols sorted by code (as in zlib's puff.c).
struct Huffman {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int]

    init(lengths: [Int]) throws {
        symbols = [Int](repeating: 0, count: lengths.count)
        for l in lengths { counts[l] += 1 }
        var offsets = [Int](repeating: 0, count: 16)
        for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
        for (symbol, l) in lengths.enumerated() where l != 0 {
            symbols[offsets[l]] = symbol
            offsets[l] += 1
        }
    }

    func decode(_ reader: inout BitReader) throws -> Int {
        var code = 0, first = 0, index = 0
        for len in 1..<16 {
            code |= try reader.bits(1)
            let count = counts[len]
            if code - count < first { return symbols[index + (code - first)] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw InflateError(description: "inflate: bad Huffman code")
    }
}

private let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
private let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
private let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
private let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

func inflate(_ reader: inout BitReader) throws -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(reader.bytes.count * 5)
    var last = 0
    repeat {
        last = try reader.bits(1)
        let type = try reader.bits(2)
        switch type {
        case 0:
            reader.alignToByte()
            let p = reader.position
            guard p + 4 <= reader.bytes.count else { throw InflateError(description: "inflate: truncated stored block") }
            let len = Int(reader.bytes[p]) | Int(reader.bytes[p + 1]) << 8
            guard p + 4 + len <= reader.bytes.count else { throw InflateError(description: "inflate: truncated stored block") }
            out.append(contentsOf: reader.bytes[(p + 4)..<(p + 4 + len)])
            reader.position = p + 4 + len
        case 1:
            var lengths = [Int](repeating: 8, count: 288)
            for i in 144..<256 { lengths[i] = 9 }
            for i in 256..<280 { lengths[i] = 7 }
            try inflateBlock(&reader, &out, try Huffman(lengths: lengths), try Huffman(lengths: [Int](repeating: 5, count: 30)))
        case 2:
            let (lit, dist) = try readDynamicTables(&reader)
            try inflateBlock(&reader, &out, lit, dist)
        default:
            throw InflateError(description: "inflate: invalid block type")
        }
    } while last == 0
    return out
}

private func readDynamicTables(_ reader: inout BitReader) throws -> (Huffman, Huffman) {
    let nlen = try reader.bits(5) + 257, ndist = try reader.bits(5) + 1, ncode = try reader.bits(4) + 4
    let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    var codeLengths = [Int](repeating: 0, count: 19)
    for i in 0..<ncode { codeLengths[order[i]] = try reader.bits(3) }
    let codeCode = try Huffman(lengths: codeLengths)
    var lengths: [Int] = []
    while lengths.count < nlen + ndist {
        let symbol = try codeCode.decode(&reader)
        switch symbol {
        case 0..<16: lengths.append(symbol)
        case 16:
            guard let prev = lengths.last else { throw InflateError(description: "inflate: repeat with no length") }
            lengths += [Int](repeating: prev, count: 3 + (try reader.bits(2)))
        case 17: lengths += [Int](repeating: 0, count: 3 + (try reader.bits(3)))
        default: lengths += [Int](repeating: 0, count: 11 + (try reader.bits(7)))
        }
    }
    guard lengths.count == nlen + ndist else { throw InflateError(description: "inflate: too many lengths") }
    return (try Huffman(lengths: Array(lengths[0..<nlen])), try Huffman(lengths: Array(lengths[nlen...])))
}

private func inflateBlock(_ reader: inout BitReader, _ out: inout [UInt8], _ lit: Huffman, _ dist: Huffman) throws {
    while true {
        let symbol = try lit.decode(&reader)
        if symbol < 256 {
            out.append(UInt8(symbol))
        } else if symbol == 256 {
            return
        } else {
            let li = symbol - 257
            guard li < lengthBase.count else { throw InflateError(description: "inflate: bad length symbol") }
            let length = lengthBase[li] + (try reader.bits(lengthExtra[li]))
            let di = try dist.decode(&reader)
            guard di < distBase.count else { throw InflateError(description: "inflate: bad distance symbol") }
            let distance = distBase[di] + (try reader.bits(distExtra[di]))
            guard distance <= out.count else { throw InflateError(description: "inflate: distance too far back") }
            let start = out.count - distance
            for i in 0..<length { out.append(out[start + i]) }
        }
    }
}
