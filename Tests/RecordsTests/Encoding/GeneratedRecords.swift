import Records

/// CDRs and attempts with generated contents: every optional member present or absent, strings with escapes,
/// controls and 2- to 4-byte UTF-8 (short ones and ones past the eight-byte words the escape scan reads),
/// integers from `Int64.min` to `Int64.max`, and generated `rating`/`negotiation`/`routing`/`quality` values.
enum GeneratedRecords {
    static func cdr(_ generator: inout SplitMix) -> CallDetailRecord {
        CallDetailRecord(
            recordID: text(&generator), nodeID: text(&generator), service: pick(ServiceKind.allCases, &generator),
            sessionID: text(&generator), setupMicros: time(&generator),
            firstProvisionalMicros: maybe(&generator) { time(&$0) },
            firstRingingMicros: maybe(&generator) { time(&$0) }, answerMicros: maybe(&generator) { time(&$0) },
            ackMicros: maybe(&generator) { time(&$0) }, endMicros: time(&generator),
            finalCode: Int(integer(&generator)), finalReason: maybe(&generator) { text(&$0) },
            q850Cause: maybe(&generator) { Int(integer(&$0)) }, q850Text: maybe(&generator) { text(&$0) },
            releasedBy: pick(ReleasedBy.allCases, &generator), releaseCause: pick(ReleaseCause.allCases, &generator),
            customerID: text(&generator), providerID: maybe(&generator) { text(&$0) }, attempts: Int(integer(&generator)),
            aLeg: leg(&generator), bLeg: maybe(&generator) { leg(&$0) }, recovered: generator.next() & 1 == 0,
            rating: maybe(&generator) { block(&$0, typed: rating) }, negotiation: maybe(&generator) { block(&$0, typed: negotiation) },
            routing: maybe(&generator) { .json(CanonicalJSONReferenceTests.value(depth: 2, &$0)) },
            receipt: maybe(&generator) { receipt(&$0) },
            quality: maybe(&generator) { .json(CanonicalJSONReferenceTests.value(depth: 1, &$0)) }
        )
    }

    static func attempt(_ generator: inout SplitMix) -> AttemptRecord {
        AttemptRecord(
            recordID: text(&generator), nodeID: text(&generator), sessionID: text(&generator), cdrRecordID: text(&generator),
            attemptNumber: Int(integer(&generator)), providerID: text(&generator), bLegCallID: maybe(&generator) { text(&$0) },
            destination: text(&generator), startMicros: integer(&generator), endMicros: time(&generator),
            responseCode: maybe(&generator) { Int(integer(&$0)) }, reason: maybe(&generator) { text(&$0) },
            outcome: pick(AttemptOutcome.allCases, &generator), receipt: maybe(&generator) { receipt(&$0) }
        )
    }

    static func bidLog(_ generator: inout SplitMix) -> BidLogRecord {
        BidLogRecord(
            recordID: text(&generator), nodeID: text(&generator), sessionID: text(&generator), cdrRecordID: text(&generator),
            attemptNumber: Int(integer(&generator)), negotiationID: text(&generator), round: Int(integer(&generator)),
            providerID: text(&generator), offered: text(&generator), asked: maybe(&generator) { text(&$0) },
            currency: text(&generator), priceUnit: text(&generator), outcome: text(&generator), timeMicros: time(&generator)
        )
    }

    static func journalEntry(_ generator: inout SplitMix) -> LiveSessionJournalEntry {
        LiveSessionJournalEntry(
            sessionID: text(&generator), nodeID: text(&generator), customerID: text(&generator),
            providerID: maybe(&generator) { text(&$0) }, setupMicros: time(&generator), answerMicros: time(&generator),
            aCallID: text(&generator), bCallID: maybe(&generator) { text(&$0) }, destination: maybe(&generator) { text(&$0) }
        )
    }

    static func journalChange(_ generator: inout SplitMix) -> LiveSessionJournalChange {
        generator.next() & 1 == 0 ? .answered(journalEntry(&generator)) : .ended(sessionID: text(&generator))
    }

    static func leg(_ generator: inout SplitMix) -> CallLeg {
        CallLeg(
            callID: maybe(&generator) { text(&$0) }, localTag: maybe(&generator) { text(&$0) },
            remoteTag: maybe(&generator) { text(&$0) }, fromURI: maybe(&generator) { text(&$0) },
            toURI: maybe(&generator) { text(&$0) }, pAssertedIdentity: maybe(&generator) { text(&$0) },
            source: maybe(&generator) { text(&$0) }, destination: maybe(&generator) { text(&$0) },
            transport: maybe(&generator) { pick(SignalingTransport.allCases, &$0) },
            userAgent: maybe(&generator) { text(&$0) }
        )
    }

    static func receipt(_ generator: inout SplitMix) -> Receipt {
        Receipt(
            guid: text(&generator), state: pick(Receipt.State.allCases, &generator),
            echoed: maybe(&generator) { text(&$0) }, providerID: text(&generator)
        )
    }

    // An object of generated members (a rating or negotiation block has string and integer members).
    static func object(_ generator: inout SplitMix) -> CanonicalJSON {
        var fields: [String: CanonicalJSON] = [:]
        for _ in 0..<Int(generator.next() % 14) {
            let key = generator.next() % 3 == 0 ? text(&generator) : pick(blockKeys, &generator)
            fields[key] = generator.next() & 1 == 0 ? .string(text(&generator)) : .integer(integer(&generator))
        }
        return .object(fields)
    }

    // A block as the node builds it (typed) or as given (a generated object), half and half.
    static func block<Typed>(_ generator: inout SplitMix, typed: (inout SplitMix) -> Typed) -> CanonicalBlock<Typed> {
        generator.next() & 1 == 0 ? .typed(typed(&generator)) : .json(object(&generator))
    }

    static func rating(_ generator: inout SplitMix) -> RatingBlock {
        guard generator.next() % 5 != 0 else {
            return .unpriced(reason: text(&generator))
        }
        return .priced(currency: text(&generator), customer: charge(&generator), provider: charge(&generator), spread: text(&generator))
    }

    // Every optional member present or absent independently (the node sets them per unit; the writer must not care).
    static func charge(_ generator: inout SplitMix) -> RatedCharge {
        var charge = RatedCharge(
            account: maybe(&generator) { text(&$0) }, deck: text(&generator), deckVersion: text(&generator),
            prefix: text(&generator), rate: text(&generator), deckRate: maybe(&generator) { text(&$0) },
            priceUnit: text(&generator), connectionFee: text(&generator), charge: text(&generator)
        )
        charge.initialIncrementSeconds = maybe(&generator) { integer(&$0) }
        charge.nextIncrementSeconds = maybe(&generator) { integer(&$0) }
        charge.minimumDurationSeconds = maybe(&generator) { integer(&$0) }
        charge.billedSeconds = maybe(&generator) { integer(&$0) }
        charge.billedMessages = maybe(&generator) { integer(&$0) }
        return charge
    }

    static func negotiation(_ generator: inout SplitMix) -> NegotiationBlock {
        NegotiationBlock(
            negotiationID: text(&generator), rounds: Int(integer(&generator)), maxRounds: Int(integer(&generator)),
            agreedRate: text(&generator), deckRate: text(&generator), currency: text(&generator), priceUnit: text(&generator)
        )
    }

    // Keys of the rating and negotiation blocks, several sharing their first eight bytes.
    static let blockKeys = [
        "billed_s", "charge", "connection_fee", "deck", "deck_rate", "deck_version", "initial_increment_s",
        "minimum_duration_s", "next_increment_s", "prefix", "price_unit", "rate", "currency", "customer", "provider",
        "spread", "agreed_rate", "max_rounds", "negotiation_id", "rounds", "deck_rate_x", "deck_rat",
    ]

    static let integers: [Int64] = [
        0, 1, -1, 9, 10, -10, 99, 100, 1_709_294_400_000_000, -1_709_294_400_000_000, 9_007_199_254_740_991,
        -9_007_199_254_740_991, 999_999_999_999_999_999, 1_000_000_000_000_000_000, Int64.max, Int64.min, Int64.min + 1,
    ]

    static func integer(_ generator: inout SplitMix) -> Int64 {
        generator.next() & 1 == 0
            ? pick(integers, &generator)
            : Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64)
    }

    // A time in microseconds: an integer of a quarter of the range, so the record's spans (end - start) fit.
    static func time(_ generator: inout SplitMix) -> Int64 {
        integer(&generator) / 4
    }

    // Mostly short, sometimes long enough for several eight-byte words with an escape anywhere in them.
    static func text(_ generator: inout SplitMix) -> String {
        switch generator.next() % 4 {
        case 0: CanonicalJSONReferenceTests.text(&generator, maxLength: 40)
        case 1: String(repeating: "sip:4930123456@127.0.0.1:5060;", count: Int(generator.next() % 3))
            + CanonicalJSONReferenceTests.text(&generator, maxLength: 3)
        default: CanonicalJSONReferenceTests.text(&generator, maxLength: 12)
        }
    }

    static func maybe<Value>(_ generator: inout SplitMix, _ make: (inout SplitMix) -> Value) -> Value? {
        generator.next() % 3 == 0 ? nil : make(&generator)
    }

    static func pick<Value>(_ values: [Value], _ generator: inout SplitMix) -> Value {
        values[Int(generator.next() % UInt64(values.count))]
    }
}
