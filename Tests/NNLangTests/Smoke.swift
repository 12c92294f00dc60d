import Testing
import NNLang

@Test func moduleLinks() { #expect(Bool(true)) }
