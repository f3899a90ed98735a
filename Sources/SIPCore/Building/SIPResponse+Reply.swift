extension SIPResponse {
    /// A response to `request` per RFC 3261 §8.2.6: Via (all), From, To, Call-ID and CSeq copied;
    /// `toTag` added to To when the request's To has none (never for 100 Trying).
    public init(replyingTo request: SIPRequest, statusCode: Int, reasonPhrase: String? = nil, toTag: String? = nil) {
        // Room for the copied lines and what a relayed or local response adds (Contact, Server, Content-Length ...).
        var headers = SIPHeaders(reservingCapacity: request.headers.count + 4)
        for field in request.headers.fields {
            switch field.key {
            case .via, .from, .callID, .cseq:
                headers.append(field)
            case .to:
                var field = field
                if let toTag, statusCode != 100, var to = try? SIPNameAddress(parsing: field.value), to.tag == nil {
                    to.tag = toTag
                    field.value = to.description
                }
                headers.append(field)
            default:
                continue
            }
        }
        // `consume`: callers append to the reply (Contact, Server, end-to-end lines); a list still shared with this
        // local would be copied, every line retained, on the first append.
        self.init(statusCode: statusCode, reasonPhrase: reasonPhrase, headers: consume headers)
    }
}

extension SIPRequest {
    /// The topmost Via, parsed.
    public var topVia: SIPVia? {
        guard let first = headers.firstValue(.via) else { return nil }
        return try? SIPVia(parsing: first)
    }

    /// The CSeq, parsed.
    public var cseq: SIPCSeq? { headers[.cseq].flatMap { try? SIPCSeq(parsing: $0) } }
    public var callID: String? { headers[.callID] }
    public var from: SIPNameAddress? { headers[.from].flatMap { try? SIPNameAddress(parsing: $0) } }
    public var to: SIPNameAddress? { headers[.to].flatMap { try? SIPNameAddress(parsing: $0) } }
    /// `to?.tag`, found without parsing the whole To.
    public var toTag: String? { headers[.to].flatMap { SIPNameAddress.tag(in: $0) } }
}

extension SIPResponse {
    public var topVia: SIPVia? {
        guard let first = headers.firstValue(.via) else { return nil }
        return try? SIPVia(parsing: first)
    }

    public var cseq: SIPCSeq? { headers[.cseq].flatMap { try? SIPCSeq(parsing: $0) } }
    public var callID: String? { headers[.callID] }
    public var from: SIPNameAddress? { headers[.from].flatMap { try? SIPNameAddress(parsing: $0) } }
    public var to: SIPNameAddress? { headers[.to].flatMap { try? SIPNameAddress(parsing: $0) } }
    /// `to?.tag`, found without parsing the whole To.
    public var toTag: String? { headers[.to].flatMap { SIPNameAddress.tag(in: $0) } }
}
