import Testing
import NN

@Test func moduleLinks() { #expect(Bool(true)) }
