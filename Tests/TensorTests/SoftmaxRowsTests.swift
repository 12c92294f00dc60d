import Tensor
import Testing

// float32 softmax computes rows four at a time; each row must get exactly the bits it gets
// alone (a 1-row tensor takes the single-row path).
@Suite struct SoftmaxRowsTests {
    @Test func groupedRowsMatchSingleRows() throws {
        for columns in [1, 5, 16, 37, 64] {
            let rows = 11
            var values: [Double] = []
            for i in 0..<(rows * columns) { values.append(Double((i * 7919) % 263) * 0.173 - 20) }
            values[columns] = -.infinity            // row 1 starts with −∞
            if columns > 1 { values[3 * columns + 1] = .nan }   // row 3 has a NaN
            for i in 0..<columns { values[5 * columns + i] = -.infinity }   // row 5 is all −∞
            let x = try NDArray(doubles: values, shape: [rows, columns], dtype: .float32)
            for log in [false, true] {
                let all = try x.softmax(dim: 1, log: log).toDoubles()
                for r in 0..<rows {
                    let single = try x.index([.int(r)]).reshape([1, columns]).softmax(dim: 1, log: log).toDoubles()
                    let grouped = Array(all[(r * columns)..<((r + 1) * columns)])
                    let same = zip(single, grouped).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
                    #expect(same, "columns \(columns) row \(r) log \(log)")
                }
            }
        }
    }
}
