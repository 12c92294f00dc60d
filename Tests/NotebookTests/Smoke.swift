import Testing
import Notebook

@Test func moduleLinks() { #expect(Bool(true)) }
