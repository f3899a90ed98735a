import Testing
@Test func ledgerTargetBuilds() { #expect(Bool(true)) }
