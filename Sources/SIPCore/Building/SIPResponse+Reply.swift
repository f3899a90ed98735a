extension SIPResponse {
    /// A response to `request` per RFC 3261 §8.2.6: Via (all), From, To, Call-ID and CSeq copied;
    /// `toTag` added to To when the request's To has none (never for 100 Trying).
    public init(replyingTo request: SIPRequest, statusCode: Int, reasonPhrase: String? = nil, toTag: String? = nil) {
        var headers = SIPHeaders()
        for field in request.headers.fields {
            switch field.key {
            case .via, .from, .callID, .cseq:
                headers.append(field.name, field.value)
            case .to:
                var value = field.value
                if let toTag, statusCode != 100, var to = try? SIPNameAddress(parsing: field.value), to.tag == nil {
                    to.tag = toTag
                    value = to.description
                }
                headers.append(field.name, value)
            default:
                continue
            }
        }
        self.init(statusCode: statusCode, reasonPhrase: reasonPhrase, headers: headers)
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
