import NIOCore
@testable import Node
import Rating
import Records
import RecordStore
import SIPCore
import Testing

/// Rated sessions event by event: bids on the INVITE, a counter-offer round, the Receipt GUID through 2xx, ACK and
/// BYE, and the price in three directions.
@Suite struct NegotiationAndReceiptTests {
    @Test func aCounterOfferStartsASecondRoundAndTheConfirmedReceiptRidesOnEveryLaterRequest() throws {
        // c1 pays 0.015/min; p1 costs 0.010, p2 0.012: two bid groups, p1 first.
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder) { $0.rating.minimumSpreadMicros = 2_000 }
        var customer = CustomerCall()
        let invite1 = try #require(node.startCall(customer))
        #expect(node.takeSent().routed == [])
        let negotiationID = try #require(invite1.headers[SIPHeaderName("X-BF-Negotiation-ID")])
        #expect(invite1.headers[SIPHeaderName("X-BF-Bid-Price")] == "0.010000")
        #expect(invite1.headers[SIPHeaderName("X-BF-Bid-Round")] == "1")
        #expect(invite1.headers[SIPHeaderName("X-BF-MaxBidRnd")] == "3")
        #expect(invite1.headers[SIPHeaderName("X-BF-Price-Unit")] == "per-min")

        // p1 asks 0.0125: still 0.0025 below the customer's rate (minimum spread 0.002) → round 2 at 0.0125.
        node.advance(by: .milliseconds(50))
        node.receive(Reply.to(invite1, 488, headers: [("X-BF-Ask-Price", "0.0125")]), from: EngineHarness.p1Address)
        var sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080", "INVITE→5080"])
        let invite2 = try #require(sent[1].request)
        #expect(invite2.headers[SIPHeaderName("X-BF-Negotiation-ID")] == negotiationID)
        #expect(invite2.headers[SIPHeaderName("X-BF-Bid-Round")] == "2")
        #expect(invite2.headers[SIPHeaderName("X-BF-Bid-Price")] == "0.012500")
        #expect(invite2.callID != invite1.callID)

        node.advance(by: .milliseconds(50))
        node.receive(
            Reply.to(invite2, 200, headers: [("X-BF-Receipt", "R-7f3a")], body: Reply.answer), from: EngineHarness.p1Address
        )
        sent = node.takeSent()
        // The provider's ACK waits for the customer's binding echo.
        #expect(sent.routed == ["200→5070"])
        let answer = try #require(sent[0].response)
        #expect(answer.headers[SIPHeaderName("X-BF-Receipt")] == "R-7f3a")
        customer.toTag = answer.to?.tag
        // The agreed rate is held under the GUID while the call lives: the negotiated 0.0125, not the deck's 0.010.
        let terms = try #require(node.engine.receipts["R-7f3a"])
        #expect(terms.providerID == "p1" && terms.state == .proposed)
        #expect(terms.providerRate?.decimalString == "0.012500")

        var ack = customer.ack()
        ack.headers.append("X-BF-Receipt", "R-7f3a")
        node.receive(ack)
        sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080"])
        #expect(sent[0].request?.headers[SIPHeaderName("X-BF-Receipt")] == "R-7f3a")
        #expect(node.engine.receipts["R-7f3a"]?.state == .confirmed)

        // 61 s of talk: 6/6 increments bill 66 s.
        node.advance(by: .seconds(61))
        node.receive(customer.bye())
        sent = node.takeSent()
        #expect(sent.routed == ["200→5070", "BYE→5080"])
        #expect(sent[1].request?.headers[SIPHeaderName("X-BF-Receipt")] == "R-7f3a")
        // Ended: the CDR carries the receipt now, and the book lets it go.
        #expect(node.engine.receipts["R-7f3a"] == nil && node.engine.receipts.count == 0)

        let records = try #require(node.sink.emitted.first)
        #expect(node.sink.emitted.count == 1)
        #expect(records.cdr.receipt == Receipt(guid: "R-7f3a", state: .confirmed, providerID: "p1"))
        // The carrying attempt's record says the same; the round-1 attempt (488) proposed nothing.
        #expect(records.attempts.map(\.receipt?.state) == [nil, .confirmed])
        #expect(records.bidLog.map(\.round) == [1, 2])
        #expect(records.bidLog.map(\.outcome) == ["counter_accepted", "accepted"])
        #expect(records.bidLog.map(\.asked) == ["0.012500", nil])
        #expect(Set(records.bidLog.map(\.negotiationID)) == [negotiationID])
        guard case .object(let rating)? = records.cdr.rating,
              case .object(let customerBlock)? = rating["customer"], case .object(let providerBlock)? = rating["provider"]
        else {
            Issue.record("no rating block: \(String(describing: records.cdr.rating))")
            return
        }
        // 66 s × 0.015/60 = 0.0165; 66 s × 0.0125/60 = 0.01375; spread 0.00275.
        #expect(customerBlock["charge"] == .string("0.016500"))
        #expect(providerBlock["charge"] == .string("0.013750"))
        #expect(rating["spread"] == .string("0.002750"))
        // Each block names the account it bills.
        #expect(customerBlock["account"] == .string("c1"))
        #expect(providerBlock["account"] == .string("p1"))
        guard case .object(let negotiation)? = records.cdr.negotiation else {
            Issue.record("no negotiation block")
            return
        }
        #expect(negotiation["rounds"] == .integer(2))
        guard case .object(let routing)? = records.cdr.routing, case .array(let path)? = routing["attempts"] else {
            Issue.record("no routing path")
            return
        }
        #expect(path == [
            .object(["attempt": .integer(1), "provider_id": .string("p1"), "outcome": .string("failed_over"), "response_code": .integer(488)]),
            .object(["attempt": .integer(2), "provider_id": .string("p1"), "outcome": .string("answered"), "response_code": .integer(200)]),
        ])
        #expect(negotiation["agreed_rate"] == .string("0.012500"))
    }

    @Test(arguments: [("R-1", nil as String?, Receipt.State.missing), ("R-1", "R-2", Receipt.State.mismatch)])
    func theCustomersACKDecidesTheReceipt(proposed: String, echoed: String?, state: Receipt.State) throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder)
        var customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        node.receive(Reply.to(invite, 200, headers: [("X-BF-Receipt", proposed)], body: Reply.answer), from: EngineHarness.p1Address)
        customer.toTag = node.takeSent().first?.response?.to?.tag
        var ack = customer.ack()
        if let echoed { ack.headers.append("X-BF-Receipt", echoed) }
        node.receive(ack)
        let sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080"])
        // Only a confirmed receipt is forwarded as binding.
        #expect(sent[0].request?.headers[SIPHeaderName("X-BF-Receipt")] == nil)
        node.advance(by: .seconds(1))
        node.receive(customer.bye())
        let cdr = try #require(node.sink.cdrs.first)
        #expect(cdr.receipt?.state == state)
        #expect(cdr.receipt?.echoed == (state == .mismatch ? echoed : nil))
    }

    @Test func anAskAboveTheCeilingEndsTheNegotiationAndFailsOverToTheNextGroup() throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder) { $0.rating.minimumSpreadMicros = 2_000 }
        let customer = CustomerCall()
        let invite1 = try #require(node.startCall(customer))
        // 0.014 leaves 0.001 < 0.002 minimum spread: refused, p2 (next group) is tried at its deck price.
        node.receive(Reply.to(invite1, 488, headers: [("X-BF-Ask-Price", "0.014000")]), from: EngineHarness.p1Address)
        let sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080", "INVITE→5081"])
        #expect(sent[1].request?.headers[SIPHeaderName("X-BF-Bid-Price")] == "0.012000")
        #expect(sent[1].request?.headers[SIPHeaderName("X-BF-Bid-Round")] == "1")
        node.receive(Reply.to(try #require(sent[1].request), 486), from: EngineHarness.p2Address)
        let records = try #require(node.sink.emitted.first)
        #expect(records.bidLog.map(\.outcome) == ["counter_rejected_spread", "declined"])
        #expect(records.bidLog.map(\.providerID) == ["p1", "p2"])
        #expect(records.cdr.finalCode == 486)
    }

    @Test func aParallelGroupForksAndTheFirstAnswerWinsTheOtherIsCancelledAndItsLateAnswerVoided() throws {
        // 0.0100 and 0.0101 are within the 5 % tolerance: one bid group, both INVITEd at once.
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.010100")
        let node = RatedDecks.harness(folder)
        var customer = CustomerCall()
        node.receive(customer.invite())
        var sent = node.takeSent()
        #expect(sent.routed.sorted() == ["100→5070", "INVITE→5080", "INVITE→5081"])
        let toP1 = try #require(sent.first { $0.routed == "INVITE→5080" }?.request)
        let toP2 = try #require(sent.first { $0.routed == "INVITE→5081" }?.request)
        node.receive(Reply.to(toP1, 180, toTag: "p1-tag"), from: EngineHarness.p1Address)
        node.receive(Reply.to(toP2, 180, toTag: "p2-tag"), from: EngineHarness.p2Address)
        _ = node.takeSent()
        node.advance(by: .milliseconds(300))
        node.receive(Reply.to(toP2, 200, toTag: "p2-tag", headers: [("X-BF-Receipt", "R-p2")], body: Reply.answer), from: EngineHarness.p2Address)
        sent = node.takeSent()
        #expect(sent.routed.sorted() == ["200→5070", "CANCEL→5080"])
        customer.toTag = sent.first { $0.routed == "200→5070" }?.response?.to?.tag
        #expect(sent.first { $0.routed == "200→5070" }?.response?.headers[SIPHeaderName("X-BF-Receipt")] == "R-p2")
        // p1 answered anyway before its CANCEL landed: ACK and BYE, its receipt voided.
        node.receive(Reply.to(toP1, 200, toTag: "p1-tag", headers: [("X-BF-Receipt", "R-p1")], body: Reply.answer), from: EngineHarness.p1Address)
        sent = node.takeSent()
        #expect(sent.routed == ["ACK→5080", "BYE→5080"])

        var ack = customer.ack()
        ack.headers.append("X-BF-Receipt", "R-p2")
        node.receive(ack)
        node.advance(by: .seconds(2))
        node.receive(customer.bye())
        let records = try #require(node.sink.emitted.first)
        #expect(node.sink.emitted.count == 1)
        #expect(records.cdr.providerID == "p2")
        #expect(records.cdr.receipt == Receipt(guid: "R-p2", state: .confirmed, providerID: "p2"))
        let byProvider = Dictionary(uniqueKeysWithValues: records.attempts.map { ($0.providerID, $0) })
        #expect(byProvider["p1"]?.outcome == .cancelled)
        #expect(byProvider["p1"]?.receipt == Receipt(guid: "R-p1", state: .voided, providerID: "p1"))
        #expect(byProvider["p2"]?.outcome == .answered)
        #expect(records.bidLog.count == 2)
        #expect(Set(records.bidLog.map(\.outcome)) == ["accepted", "cancelled"])
        // Two negotiations, one per provider.
        #expect(Set(records.bidLog.map(\.negotiationID)).count == 2)
    }

    @Test func aMessageIsPricedPerMessage() throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder)
        var customer = CustomerCall()
        customer.method = "MESSAGE"
        customer.body = "hello"
        customer.contentType = "text/plain"
        node.receive(customer.invite())
        let sent = node.takeSent()
        let message = try #require(sent.first { $0.routed == "MESSAGE→5080" }?.request)
        #expect(message.headers[SIPHeaderName("X-BF-Price-Unit")] == "per-msg")
        node.advance(by: .milliseconds(40))
        node.receive(Reply.to(message, 202, contact: nil), from: EngineHarness.p1Address)
        let cdr = try #require(node.sink.cdrs.first)
        #expect(cdr.service == .message)
        guard case .object(let rating)? = cdr.rating else {
            Issue.record("no rating")
            return
        }
        #expect(rating["spread"] == .string("0.001500"))
        guard case .object(let quality)? = cdr.quality else {
            Issue.record("no quality envelope")
            return
        }
        #expect(quality["final_status"] == .integer(202))
        // Delivery latency: the MESSAGE arrived at 0, the provider's final response 40 ms later.
        #expect(quality["delivery_ms"] == .integer(40))
    }

    @Test func aCallThatEndsBeforeTheCustomersACKKeepsItsReceiptProposed() throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder)
        let invite = try #require(node.startCall(CustomerCall()))
        node.receive(Reply.to(invite, 200, headers: [("X-BF-Receipt", "R-9")], body: Reply.answer), from: EngineHarness.p1Address)
        #expect(node.takeSent().first { $0.routed == "200→5070" }?.response?.headers[SIPHeaderName("X-BF-Receipt")] == "R-9")
        // No ACK within 64 × T1: the node hangs up both legs; the receipt was never made binding, so no request
        // the node sends carries it.
        node.advance(by: .seconds(33))
        let requests = node.takeSent().compactMap(\.request)
        #expect(requests.contains { $0.method == .bye })
        #expect(requests.allSatisfy { $0.headers[SIPHeaderName("X-BF-Receipt")] == nil })
        let records = try #require(node.sink.emitted.first)
        #expect(records.cdr.releaseCause == .noAck)
        #expect(records.cdr.receipt == Receipt(guid: "R-9", state: .proposed, providerID: "p1"))
        #expect(records.attempts.map(\.receipt) == [Receipt(guid: "R-9", state: .proposed, providerID: "p1")])
    }

    @Test func aZeroLengthAnsweredCallIsRatedAtNothing() throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder)
        var customer = CustomerCall()
        let invite = try #require(node.startCall(customer))
        node.receive(Reply.to(invite, 200, body: Reply.answer), from: EngineHarness.p1Address)
        customer.toTag = node.takeSent().first { $0.routed == "200→5070" }?.response?.to?.tag
        node.receive(customer.ack())
        // Hung up in the same microsecond as the answer: duration_ms 0, answered, rated, nothing billed.
        node.receive(customer.bye())
        let cdr = try #require(node.sink.cdrs.first)
        #expect(cdr.durationMillis == 0)
        #expect(cdr.finalCode == 200)
        guard case .object(let rating)? = cdr.rating,
              case .object(let customerBlock)? = rating["customer"], case .object(let providerBlock)? = rating["provider"]
        else {
            Issue.record("an answered call has a rating block: \(String(describing: cdr.rating))")
            return
        }
        #expect(customerBlock["billed_s"] == .integer(0))
        #expect(customerBlock["charge"] == .string("0.000000"))
        #expect(providerBlock["charge"] == .string("0.000000"))
        #expect(rating["spread"] == .string("0.000000"))
    }

    /// docs/negotiation.md: the X-BF-* set is the node's own on each leg; a customer's copies never cross the B2BUA.
    static let forgedHeaders = [
        "X-BF-Negotiation-ID: forged", "X-BF-MaxBidRnd: 9", "X-BF-Bid-Price: 0.500000", "X-BF-Price-Unit: per-min",
        "X-BF-Bid-Round: 7", "X-BF-Ask-Price: 0.400000", "X-BF-Receipt: R-forged",
    ]

    static func bfHeaders(_ request: SIPRequest?) -> [String] {
        (request?.headers.fields ?? []).filter { $0.name.lowercased().hasPrefix("x-bf-") }.map { "\($0.name): \($0.value)" }
    }

    @Test(arguments: [false, true])
    func aCustomersXBFHeadersNeverReachTheProvider(rated: Bool) throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = rated ? RatedDecks.harness(folder) : EngineHarness()
        var customer = CustomerCall()
        customer.extraHeaders = Self.forgedHeaders
        let invite = try #require(node.startCall(customer))
        // Rated: only the node's own bid (its negotiation id is a fresh UUID); unrated: none at all.
        let expected: [String] = rated ? ["X-BF-MaxBidRnd: 3", "X-BF-Bid-Price: 0.010000", "X-BF-Price-Unit: per-min", "X-BF-Bid-Round: 1"] : []
        #expect(Self.bfHeaders(invite).filter { !$0.hasPrefix("X-BF-Negotiation-ID") } == expected)
        #expect(Self.bfHeaders(invite).contains("X-BF-Negotiation-ID: forged") == false)

        // Nor on an in-dialog request the node relays.
        node.receive(Reply.to(invite, 200, body: Reply.answer), from: EngineHarness.p1Address)
        customer.toTag = node.takeSent().first { $0.routed == "200→5070" }?.response?.to?.tag
        node.receive(customer.ack())
        _ = node.takeSent()
        node.receive(customer.inDialog("INFO", cseq: 2, branch: "z9hG4bK-cust-info-bf", headers: Self.forgedHeaders))
        let info = node.takeSent().first { $0.routed == "INFO→5080" }?.request
        #expect(info != nil)
        #expect(Self.bfHeaders(info) == [])
    }

    @Test func aDestinationOutsideTheCustomersDeckIsRefusedWith404() throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder)
        var customer = CustomerCall()
        customer.callee = "445551234567"
        node.receive(customer.invite())
        let sent = node.takeSent()
        #expect(sent.routed == ["404→5070"])
        #expect(node.engine.statistics.refusedUnrated == 1)
    }
}

@Suite struct PDDBudgetTests {
    @Test func theCascadeStopsOnceThePDDBudgetIsSpent() throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder) { $0.rating.pddBudget = .seconds(2) }
        let invite1 = try #require(node.startCall())
        // p1 takes 3 s to refuse, without a provisional: the 2 s budget is gone, p2 is not tried.
        node.advance(by: .seconds(3))
        node.receive(Reply.to(invite1, 503), from: EngineHarness.p1Address)
        // (INVITE retransmissions to the silent p1 left out.)
        let sent = node.takeSent().filter { $0.routed != "INVITE→5080" }
        #expect(sent.routed == ["ACK→5080", "503→5070"])
        let cdr = try #require(node.sink.cdrs.first)
        #expect(cdr.attempts == 1)
        guard case .object(let routing)? = cdr.routing else {
            Issue.record("no routing block")
            return
        }
        #expect(routing["pdd_budget_spent"] == .bool(true))
    }

    @Test func withinTheBudgetTheNextGroupIsTried() throws {
        let folder = try RatedDecks.write(p1: "0.010000", p2: "0.012000")
        let node = RatedDecks.harness(folder) { $0.rating.pddBudget = .seconds(2) }
        let invite1 = try #require(node.startCall())
        node.advance(by: .seconds(1))
        node.receive(Reply.to(invite1, 503), from: EngineHarness.p1Address)
        #expect(node.takeSent().filter { $0.routed != "INVITE→5080" }.routed == ["ACK→5080", "INVITE→5081"])
    }
}
