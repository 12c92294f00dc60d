import Testing
import Autograd

@Test func moduleLinks() { #expect(Bool(true)) }
