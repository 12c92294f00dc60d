import Testing
import Tensor

@Test func moduleLinks() { #expect(Bool(true)) }
