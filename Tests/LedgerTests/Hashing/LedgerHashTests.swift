import Testing
@testable import Ledger

@Suite struct LedgerHashTests {
    @Test func sha256MatchesFIPSVectors() {
        #expect(LedgerHash.sha256(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(LedgerHash.sha256([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // A non-contiguous collection takes the copying path.
        #expect(LedgerHash.sha256("abc".utf8) == LedgerHash.sha256(Array("abc".utf8)))
    }

    @Test func hexRoundTripsAndIsStrict() {
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(LedgerHash(hex: hex)?.hex == hex)
        #expect(LedgerHash(hex: hex)?.description == hex)
        #expect(LedgerHash(hex: hex.uppercased()) == nil)
        #expect(LedgerHash(hex: String(hex.dropLast())) == nil)
        #expect(LedgerHash(hex: hex + "0") == nil)
        #expect(LedgerHash(hex: String(hex.dropLast()) + "g") == nil)
        #expect(LedgerHash(hex: "") == nil)
        #expect(LedgerHash(bytes: [UInt8](repeating: 1, count: 31)) == nil)
        #expect(LedgerHash(bytes: [UInt8](repeating: 1, count: 33)) == nil)
        #expect(LedgerHash(bytes: [UInt8](repeating: 1, count: 32))?.bytes == [UInt8](repeating: 1, count: 32))
    }

    @Test func zeroIsSixtyFourZeros() {
        #expect(LedgerHash.zero.hex == String(repeating: "0", count: 64))
        #expect(LedgerHash.zero.bytes == [UInt8](repeating: 0, count: 32))
    }
}

@Suite struct LedgerHashHexTests {
    // The hex written four bytes at a time against the standard library's formatter, over seeded hashes.
    @Test func hexIsTwoLowerCaseDigitsPerByte() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var wrong: [String] = []
        for _ in 0..<2_000 {
            let bytes = (0..<LedgerHash.byteCount).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            guard let hash = LedgerHash(bytes: bytes) else { continue }
            let reference = bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
            if hash.hex != reference {
                wrong.append(reference)
            }
            if LedgerHash(hex: reference) != hash {
                wrong.append(reference)
            }
        }
        #expect(wrong.isEmpty, "wrong hex for \(wrong.prefix(3))")
    }
}
