import Testing
import Tensor

@Suite struct GeneratorTests {
    @Test func sameSeedSameBytes() throws {
        let a = try Generator(seed: 0).randn([1000]).toArray(Float.self)
        let b = try Generator(seed: 0).randn([1000]).toArray(Float.self)
        #expect(a == b)
        let c = try Generator(seed: 1).randn([1000]).toArray(Float.self)
        #expect(a != c)
    }

    @Test func normalMoments() throws {
        let x = try Generator(seed: 7).randn([100_000], dtype: .float64)
        let m = try x.mean().item(), v = try x.variance().item()
        #expect(Swift.abs(m) < 0.02)
        #expect(Swift.abs(v - 1) < 0.02)
    }

    @Test func randintRange() throws {
        let x = try Generator(seed: 3).randint(low: -2, high: 3, [1000]).toArray(Int64.self)
        #expect(x.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(Set(x).count == 5)
    }

    @Test func deterministicLogMatchesLibm() {
        for x in [1e-300, 0.001, 0.5, 0.7, 1, 1.5, 2, 10, 12345.678] {
            #expect(Swift.abs(deterministicLog(x) - Foundation.log(x)) <= 2e-16 * Swift.max(1, Swift.abs(Foundation.log(x))))
        }
    }
}
import Foundation
