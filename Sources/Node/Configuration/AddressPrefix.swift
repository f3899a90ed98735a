/// An IPv4 or IPv6 CIDR prefix (`10.0.0.0/8`, `2001:db8::/32`); a bare address means a single host.
public struct AddressPrefix: Sendable, Hashable, CustomStringConvertible {
    let network: IPAddress
    /// Number of leading bits that must match.
    public let prefixLength: Int

    /// Address family of the prefix.
    public var family: IPAddressFamily { self.network.family }

    /// Parses `a.b.c.d`, `a.b.c.d/n`, `v6`, `v6/n`; refuses prefixes with host bits set.
    public init(parsing text: String) throws(ConfigurationValueError) {
        let addressText: Substring
        let lengthText: Substring?
        if let slash = text.firstIndex(of: "/") {
            addressText = text[..<slash]
            lengthText = text[text.index(after: slash)...]
        } else {
            addressText = text[...]
            lengthText = nil
        }
        guard let address = IPAddress(parsing: String(addressText)) else {
            throw ConfigurationValueError(
                .invalidAddressPrefix,
                "expected an IP address or CIDR prefix (e.g. \"10.0.0.0/8\", \"::1\"), got \(quoted(text))"
            )
        }
        let maxLength = address.family.bitCount
        var length = maxLength
        if let lengthText {
            guard !lengthText.isEmpty, lengthText.count <= 3,
                  lengthText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let parsed = Int(lengthText), parsed <= maxLength
            else {
                throw ConfigurationValueError(
                    .invalidAddressPrefix,
                    "prefix length must be 0-\(maxLength), got \(quoted(text))"
                )
            }
            length = parsed
        }
        let masked = Self.mask(address.bytes, to: length)
        guard masked == address.bytes else {
            let suggestion = AddressPrefix(network: IPAddress(family: address.family, bytes: masked), prefixLength: length)
            throw ConfigurationValueError(
                .invalidAddressPrefix,
                "host bits set in \(quoted(text)); did you mean \"\(suggestion)\"?"
            )
        }
        self.network = address
        self.prefixLength = length
    }

    /// An IPv4 prefix from its four octets; host bits are cleared, lengths above 32 mean 32.
    public init(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, prefixLength: Int = 32) {
        let length = min(max(prefixLength, 0), 32)
        self.init(network: IPAddress(family: .ipv4, bytes: Self.mask([a, b, c, d], to: length)), prefixLength: length)
    }

    private init(network: IPAddress, prefixLength: Int) {
        self.network = network
        self.prefixLength = prefixLength
    }

    /// Whether `ip` (a bare IPv4/IPv6 address, optionally in brackets) lies inside this prefix; garbage is never contained.
    public func contains(_ ip: String) -> Bool {
        var text = Substring(ip)
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = text.dropFirst().dropLast()
        }
        guard var address = IPAddress(parsing: String(text)) else { return false }
        if address.family != self.network.family, let v4 = address.unmappedIPv4 {
            address = v4
        }
        guard address.family == self.network.family else { return false }
        return Self.mask(address.bytes, to: self.prefixLength) == self.network.bytes
    }

    public var description: String { "\(self.network.text)/\(self.prefixLength)" }

    private static func mask(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        var out = bytes
        for index in out.indices {
            let bitsBefore = index * 8
            if bitsBefore >= length {
                out[index] = 0
            } else if bitsBefore + 8 > length {
                out[index] &= UInt8(truncatingIfNeeded: 0xFF << (8 - (length - bitsBefore)))
            }
        }
        return out
    }
}
