// Packing copies a block of op(A) or op(B) into the order the micro-kernel reads it:
// slivers of `microRows` rows of A (column after column) and of `microColumns` columns
// of B (row after row), zero-padded at the edges so the micro-kernel never branches.

/// Packs rows `0..<rows`, columns `0..<depth` of `a` into slivers of `T.microRows` rows.
@inline(__always)
func packA<T: GEMMScalar>(_ a: GEMMOperand<T>, rows: Int, depth: Int, into dest: UnsafeMutablePointer<T>) {
    let mr = T.microRows
    var sliverStart = 0
    while sliverStart < rows {
        let live = min(mr, rows - sliverStart)
        let dst = dest + sliverStart * depth
        if a.transposed {
            // Element (i, p) at base[p * ld + i]: MR consecutive values per column p.
            for p in 0..<depth {
                let src = a.base + (p * a.ld + sliverStart)
                let out = dst + p * mr
                for r in 0..<live { out[r] = src[r] }
                for r in live..<mr { out[r] = 0 }
            }
        } else if mr == 8 && live == 8 {
            // Eight source rows read side by side, the sliver written contiguously (a
            // row-by-row scatter compiles to slow scatter instructions).
            let r0 = a.base + sliverStart * a.ld, r1 = r0 + a.ld, r2 = r1 + a.ld, r3 = r2 + a.ld
            let r4 = r3 + a.ld, r5 = r4 + a.ld, r6 = r5 + a.ld, r7 = r6 + a.ld
            var out = dst
            for p in 0..<depth {
                out[0] = r0[p]
                out[1] = r1[p]
                out[2] = r2[p]
                out[3] = r3[p]
                out[4] = r4[p]
                out[5] = r5[p]
                out[6] = r6[p]
                out[7] = r7[p]
                out += 8
            }
        } else {
            for r in 0..<live {
                let src = a.base + ((sliverStart + r) * a.ld)
                var out = dst + r
                for p in 0..<depth {
                    out.pointee = src[p]
                    out += mr
                }
            }
            if live < mr {
                for p in 0..<depth {
                    for r in live..<mr { dst[p * mr + r] = 0 }
                }
            }
        }
        sliverStart += mr
    }
}

/// Packs rows `0..<depth`, columns `0..<columns` of `b` into slivers of `T.microColumns` columns.
@inline(__always)
func packB<T: GEMMScalar>(_ b: GEMMOperand<T>, depth: Int, columns: Int, into dest: UnsafeMutablePointer<T>) {
    let nr = T.microColumns
    if b.transposed {
        // Element (p, j) at base[j * ld + p]: walk each source row contiguously.
        var sliverStart = 0
        while sliverStart < columns {
            let live = min(nr, columns - sliverStart)
            let dst = dest + sliverStart * depth
            for c in 0..<live {
                let src = b.base + ((sliverStart + c) * b.ld)
                var out = dst + c
                for p in 0..<depth {
                    out.pointee = src[p]
                    out += nr
                }
            }
            if live < nr {
                for p in 0..<depth {
                    for c in live..<nr { dst[p * nr + c] = 0 }
                }
            }
            sliverStart += nr
        }
        return
    }
    // Whole slivers together, each source row read from start to end. (Sliver by sliver,
    // each 32-value piece came from another row — another page once rows are 4 KiB — a
    // pattern the hardware prefetchers do not follow: 7 % of a 1024³ product.)
    let whole = columns / nr
    for p in 0..<depth {
        let src = b.base + p * b.ld
        var out = dest + p * nr
        for sliver in 0..<whole {
            out.update(from: src + sliver * nr, count: nr)
            out += nr * depth
        }
    }
    let live = columns - whole * nr
    if live > 0 {
        let dst = dest + whole * nr * depth
        for p in 0..<depth {
            let src = b.base + (p * b.ld + whole * nr)
            let out = dst + p * nr
            for c in 0..<live { out[c] = src[c] }
            for c in live..<nr { out[c] = 0 }
        }
    }
}
