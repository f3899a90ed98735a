public import SIPCore

/// The digits a session is rated and routed on, taken from the Request-URI.
///
/// Rule: the user part of a `sip:`/`sips:` URI, or the number of a `tel:` URI; any `;parameters`
/// are cut off; one leading `+` is dropped; RFC 3966 visual separators (`-`, `.`, `(`, `)`) are
/// removed. What is left must be 1 to 32 ASCII digits, otherwise there is no destination (a rated
/// customer then gets `.noRate`). `+44 20-7946.0000` and `442079460000` are the same destination.
public enum RoutingDestination {
    /// Longest destination accepted; E.164 numbers have at most 15 digits, carrier prefixes add a few.
    public static let maxDigits = 32

    /// The destination of a Request-URI, or nil when its user part is not a number.
    public static func digits(of requestURI: SIPURI) -> String? {
        guard let user = requestURI.user else {
            return nil
        }
        return digits(from: user)
    }

    /// The destination in a user part or number text (`tel:` prefix, `+` and separators allowed), or nil.
    public static func digits(from text: some StringProtocol) -> String? {
        var rest = Substring(text)
        if rest.utf8.count >= 4, rest.prefix(4).lowercased() == "tel:" {
            rest = rest.dropFirst(4)
        }
        if let semicolon = rest.firstIndex(of: ";") {
            rest = rest[..<semicolon]
        }
        if rest.first == "+" {
            rest = rest.dropFirst()
        }
        // The digits go to a buffer on the stack (the engine and `RatingBook.plan` each read a destination per call);
        // the `String` of up to 15 digits is stored inline, so a typical destination allocates nothing.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxDigits) { buffer -> String? in
            var count = 0
            for byte in rest.utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard count < maxDigits else {
                        return nil
                    }
                    buffer[count] = byte
                    count += 1
                case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                    continue
                default:
                    return nil
                }
            }
            guard count > 0 else {
                return nil
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        }
    }
}
