import Testing

extension Integration {
    /// Rated sessions over real sockets (issue 5, docs/negotiation.md): sipp carriers that speak the
    /// X-BF-* headers against the built node, checked on the CDR, attempt and bidlog records it wrote.
    ///
    /// Decks (prefix 1, 6/6 increments, EUR): `c1` 0.015000/min and 0.004000/msg; `p1` 0.010000 and
    /// 0.002500. Every call lasts about 200 ms, so both sides bill 6 s: customer 0.001500, `p1` 0.001000.
    @Suite("rated calls through the node")
    struct RatedCallTests {
        static let p1 = RatedNetwork.Prices(perMinute: "0.010000", perMessage: "0.002500")
        /// 1 % above `p1`: inside a 5 % `tolerance_bp`, so one parallel bid group with it.
        static let p2Near = RatedNetwork.Prices(perMinute: "0.010100", perMessage: "0.002600")

        @Test
        func echoedReceiptIsConfirmedAndRidesOnTheProvidersACKAndBYE() async throws {
            let network = try RatedNetwork(base: Ports.ratedReceiptConfirmed, name: "rated-receipt", providers: [("p1", Self.p1)])
            // The provider's scenario fails unless its ACK and BYE carry R-sipp-7f3a.
            let run = try await network.run(
                customer: "uac_rated_receipt_echo.xml", providers: [.init(id: "p1", scenario: "uas_rated_receipt.xml")]
            )
            run.expectCleanRun()

            let cdr = try run.singleCDR()
            #expect(cdr.int("final_code") == 200, "\(cdr)")
            #expect(cdr.string("provider_id") == "p1", "\(cdr)")
            let receipt = try #require(cdr.member("receipt"), "\(cdr)")
            #expect(receipt.string("guid") == "R-sipp-7f3a", "\(cdr)")
            #expect(receipt.string("state") == "confirmed", "\(cdr)")
            #expect(receipt.string("provider_id") == "p1", "\(cdr)")
            #expect(receipt.string("echoed") == nil, "\(cdr)")

            // Deck prices, no negotiation beyond the opening bid.
            let rating = try #require(cdr.member("rating"), "\(cdr)")
            let customer = try #require(rating.member("customer"), "\(cdr)")
            let provider = try #require(rating.member("provider"), "\(cdr)")
            #expect(customer.string("rate") == "0.015000", "\(cdr)")
            #expect(provider.string("rate") == "0.010000", "\(cdr)")
            #expect(provider.string("deck_rate") == nil, "\(cdr)")
            #expect(customer.int("billed_s") == 6, "\(cdr)")
            #expect(provider.int("billed_s") == 6, "\(cdr)")
            #expect(customer.string("charge") == "0.001500", "\(cdr)")
            #expect(provider.string("charge") == "0.001000", "\(cdr)")
            #expect(rating.string("spread") == "0.000500", "\(cdr)")
            Self.expectExactSpread(rating)

            let attempts = try run.node.attempts()
            try #require(attempts.count == 1, "\(attempts)")
            #expect(attempts[0].string("outcome") == "answered", "\(attempts)")
            #expect(attempts[0].member("receipt")?.string("guid") == "R-sipp-7f3a", "\(attempts)")

            // One round, accepted at the opening bid, under the CDR's negotiation.
            let bids = try run.node.bidlogs()
            try #require(bids.count == 1, "\(bids)")
            #expect(bids[0].string("outcome") == "accepted", "\(bids)")
            #expect(bids[0].int("round") == 1, "\(bids)")
            #expect(bids[0].string("provider_id") == "p1", "\(bids)")
            #expect(bids[0].string("offered") == "0.010000", "\(bids)")
            #expect(bids[0].string("price_unit") == "per-min", "\(bids)")
            #expect(bids[0].string("cdr_id") == cdr.string("id"), "\(bids)")
            #expect(bids[0].string("negotiation_id") == cdr.member("negotiation")?.string("negotiation_id"), "\(bids) \(cdr)")
        }

        @Test
        func carrierThatIgnoresTheXBFHeadersIsRoutedAtItsDeckPrice() async throws {
            let network = try RatedNetwork(base: Ports.ratedPlainCarrier, name: "rated-plain", providers: [("p1", Self.p1)])
            // Plain sipp on both ends: uas_answer.xml reads no X-BF-* header, proposes no receipt and never counters.
            let run = try await network.run(customer: "uac_call.xml", providers: [.init(id: "p1", scenario: "uas_answer.xml")])
            run.expectCleanRun()

            let cdr = try run.singleCDR()
            #expect(cdr.int("final_code") == 200, "\(cdr)")
            #expect(cdr.member("receipt") == nil, "no receipt was proposed: \(cdr)")
            let rating = try #require(cdr.member("rating"), "\(cdr)")
            #expect(rating.member("provider")?.string("rate") == "0.010000", "\(cdr)")
            #expect(rating.member("provider")?.string("deck_rate") == nil, "\(cdr)")
            #expect(rating.member("provider")?.string("charge") == "0.001000", "\(cdr)")
            #expect(rating.string("spread") == "0.000500", "\(cdr)")
            Self.expectExactSpread(rating)
            // The opening bid was taken by the answer: one round, accepted at the deck rate.
            #expect(cdr.member("negotiation")?.int("rounds") == 1, "\(cdr)")
            let bids = try run.node.bidlogs()
            #expect(bids.map { $0.string("outcome") } == ["accepted"], "\(bids)")
            #expect(bids.first?.string("offered") == "0.010000", "\(bids)")
        }

        @Test
        func receiptTheCustomerDoesNotEchoIsMissingAndNotForwarded() async throws {
            let network = try RatedNetwork(base: Ports.ratedReceiptMissing, name: "rated-no-echo", providers: [("p1", Self.p1)])
            // The provider's scenario fails if its ACK or BYE carries any X-BF-Receipt.
            let run = try await network.run(
                customer: "uac_rated_receipt_ignore.xml", providers: [.init(id: "p1", scenario: "uas_rated_receipt_unconfirmed.xml")]
            )
            run.expectCleanRun()

            let cdr = try run.singleCDR()
            #expect(cdr.int("final_code") == 200, "\(cdr)")
            let receipt = try #require(cdr.member("receipt"), "\(cdr)")
            #expect(receipt.string("guid") == "R-sipp-5e1d", "\(cdr)")
            #expect(receipt.string("state") == "missing", "\(cdr)")
            #expect(receipt.string("echoed") == nil, "\(cdr)")
            // The price does not depend on the receipt.
            let rating = try #require(cdr.member("rating"), "\(cdr)")
            #expect(rating.string("spread") == "0.000500", "\(cdr)")
        }

        @Test
        func counterOfferStartsASecondRoundAndTheAgreedRateIsWhatTheProviderIsPaid() async throws {
            // Ceiling = 0.015000 − 0.003000 = 0.012000: p1's ask of 0.009000 is accepted.
            let network = try RatedNetwork(
                base: Ports.ratedCounterOffer, name: "rated-counter-offer", providers: [("p1", Self.p1)],
                rating: .init(minSpread: "0.003000", maxBidRounds: 3)
            )
            // Round 1 (bid 0.010000) gets 488 with X-BF-Ask-Price 0.009000; round 2 must bid 0.009000.
            let run = try await network.run(
                customer: "uac_rated_receipt_echo.xml",
                providers: [.init(id: "p1", scenario: "uas_rated_counter_offer.xml", calls: 2)]
            )
            run.expectCleanRun()

            let cdr = try run.singleCDR()
            #expect(cdr.int("final_code") == 200, "\(cdr)")
            #expect(cdr.member("receipt")?.string("guid") == "R-sipp-9c2b", "\(cdr)")
            #expect(cdr.member("receipt")?.string("state") == "confirmed", "\(cdr)")

            let bids = try run.node.bidlogs()
            try #require(bids.count == 2, "\(bids)")
            #expect(bids.map { $0.int("round") } == [1, 2], "\(bids)")
            #expect(bids.map { $0.string("outcome") } == ["counter_accepted", "accepted"], "\(bids)")
            #expect(bids.map { $0.string("offered") } == ["0.010000", "0.009000"], "\(bids)")
            #expect(bids.map { $0.string("asked") } == ["0.009000", nil], "\(bids)")
            #expect(bids.allSatisfy { $0.string("provider_id") == "p1" && $0.string("cdr_id") == cdr.string("id") }, "\(bids)")
            let negotiationID = try #require(bids[0].string("negotiation_id"), "\(bids)")
            #expect(bids[1].string("negotiation_id") == negotiationID, "\(bids)")

            let negotiation = try #require(cdr.member("negotiation"), "\(cdr)")
            #expect(negotiation.string("negotiation_id") == negotiationID, "\(cdr)")
            #expect(negotiation.int("rounds") == 2, "\(cdr)")
            #expect(negotiation.string("agreed_rate") == "0.009000", "\(cdr)")
            #expect(negotiation.string("deck_rate") == "0.010000", "\(cdr)")

            // The provider is paid the agreed rate, the customer its own deck rate.
            let rating = try #require(cdr.member("rating"), "\(cdr)")
            let provider = try #require(rating.member("provider"), "\(cdr)")
            #expect(provider.string("rate") == "0.009000", "\(cdr)")
            #expect(provider.string("deck_rate") == "0.010000", "\(cdr)")
            #expect(rating.member("customer")?.string("rate") == "0.015000", "\(cdr)")
            // 6 s: 0.001500 − 6 × 0.009000 / 60 = 0.001500 − 0.000900.
            #expect(provider.string("charge") == "0.000900", "\(cdr)")
            #expect(rating.string("spread") == "0.000600", "\(cdr)")
            Self.expectExactSpread(rating)

            // Each round's INVITE is an attempt: the 488 one failed over to the next round.
            let attempts = try run.node.attempts()
            #expect(attempts.map { $0.string("outcome") } == ["failed_over", "answered"], "\(attempts)")
            #expect(attempts.first?.int("response_code") == 488, "\(attempts)")
            #expect(bids.map { $0.int("attempt") } == attempts.map { $0.int("attempt") }, "\(bids) \(attempts)")
        }

        @Test
        func parallelGroupConnectsTheFirstAnswerAndCancelsTheOtherFork() async throws {
            // p2 rings and waits up to 1 s for the CANCEL (should none come, it answers and must be hung up).
            let loser = try #require(
                await Self.forkToParallelGroup(base: Ports.ratedParallelCancel, name: "rated-parallel", loser: "uas_rated_slow_fork.xml")
            )
            #expect(loser.string("outcome") == "cancelled", "\(loser)")
        }

        @Test
        func parallelForkWhoseAnswerCrossesTheCancelIsHungUpAndItsReceiptVoided() async throws {
            // p2 answers 200 (receipt R-sipp-late) when the CANCEL reaches it; its scenario needs the node's ACK and BYE.
            let loser = try #require(
                await Self.forkToParallelGroup(
                    base: Ports.ratedParallelVoided, name: "rated-voided", loser: "uas_rated_answer_over_cancel.xml"
                )
            )
            #expect(loser.string("outcome") == "cancelled", "\(loser)")
            #expect(loser.member("receipt")?.string("guid") == "R-sipp-late", "\(loser)")
            #expect(loser.member("receipt")?.string("state") == "voided", "\(loser)")
        }

        @Test
        func messageIsRatedPerMessage() async throws {
            let network = try RatedNetwork(base: Ports.ratedMessage, name: "rated-message", providers: [("p1", Self.p1)])
            let run = try await network.run(
                customer: "uac_rated_message.xml", providers: [.init(id: "p1", scenario: "uas_rated_message.xml")]
            )
            run.expectCleanRun()

            let cdr = try run.singleCDR()
            #expect(cdr.string("service") == "message", "\(cdr)")
            #expect(cdr.int("final_code") == 200, "\(cdr)")
            #expect(cdr.member("quality")?.int("final_status") == 200, "\(cdr)")
            let rating = try #require(cdr.member("rating"), "\(cdr)")
            let customer = try #require(rating.member("customer"), "\(cdr)")
            let provider = try #require(rating.member("provider"), "\(cdr)")
            #expect(customer.string("price_unit") == "per-msg", "\(cdr)")
            #expect(customer.int("billed_messages") == 1, "\(cdr)")
            #expect(provider.int("billed_messages") == 1, "\(cdr)")
            #expect(customer.string("charge") == "0.004000", "\(cdr)")
            #expect(provider.string("charge") == "0.002500", "\(cdr)")
            // Customer message rate − provider message rate.
            #expect(rating.string("spread") == "0.001500", "\(cdr)")
            Self.expectExactSpread(rating)

            let bids = try run.node.bidlogs()
            #expect(bids.map { $0.string("outcome") } == ["accepted"], "\(bids)")
            #expect(bids.first?.string("price_unit") == "per-msg", "\(bids)")
            #expect(bids.first?.string("offered") == "0.002500", "\(bids)")
        }

        @Test
        func destinationOutsideTheCustomersDeckIsRefusedWith404AndLeavesNoRecord() async throws {
            let network = try RatedNetwork(base: Ports.ratedUnknownDestination, name: "rated-no-rate", providers: [("p1", Self.p1)])
            // The decks cover prefix 1 only; no provider sipp runs: nothing may be sent to one.
            let run = try await network.run(customer: "uac_rated_refused.xml", destination: "445551234567", providers: [])
            run.expectCleanRun()

            let records = try run.node.cdrs() + run.node.attempts() + run.node.bidlogs()
            #expect(records.isEmpty, "\(records)")
        }

        // MARK: - Shared checks

        /// `spread` = customer `charge` − provider `charge`, recomputed from the CDR's own decimal strings.
        static func expectExactSpread(_ rating: JSONRecord, sourceLocation: SourceLocation = #_sourceLocation) {
            let charged = rating.member("customer")?.micros("charge")
            let paid = rating.member("provider")?.micros("charge")
            let spread = rating.micros("spread")
            #expect(charged != nil && paid != nil && spread != nil, "\(rating)", sourceLocation: sourceLocation)
            if let charged, let paid, let spread {
                #expect(spread == charged - paid, "\(rating)", sourceLocation: sourceLocation)
            }
        }

        /// Forks a call to `p1` and `p2`, one bid group: `p1` answers 200 ms after ringing with receipt R-sipp-7f3a,
        /// which the customer confirms, and `p2` plays `loser`. Checks the winner's side of the records and returns
        /// `p2`'s attempt record.
        static func forkToParallelGroup(
            base: Int, name: String, loser: String, sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> JSONRecord? {
            let network = try RatedNetwork(
                base: base, name: name, providers: [("p1", Self.p1), ("p2", Self.p2Near)], rating: .init(toleranceBasisPoints: 500)
            )
            let run = try await network.run(
                customer: "uac_rated_receipt_echo.xml",
                providers: [.init(id: "p1", scenario: "uas_rated_receipt.xml"), .init(id: "p2", scenario: loser)]
            )
            run.expectCleanRun(sourceLocation: sourceLocation)

            // One answer, one CDR: p1's, with p1's receipt.
            let cdr = try run.singleCDR(sourceLocation: sourceLocation)
            #expect(cdr.int("final_code") == 200, "\(cdr)", sourceLocation: sourceLocation)
            #expect(cdr.string("provider_id") == "p1", "\(cdr)", sourceLocation: sourceLocation)
            #expect(cdr.int("attempts") == 2, "\(cdr)", sourceLocation: sourceLocation)
            #expect(cdr.member("receipt")?.string("guid") == "R-sipp-7f3a", "\(cdr)", sourceLocation: sourceLocation)
            #expect(cdr.member("receipt")?.string("state") == "confirmed", "\(cdr)", sourceLocation: sourceLocation)
            let groups = cdr.member("routing")?.array("groups") as? [[[String: Any]]]
            let grouped = groups?.map { Set($0.compactMap { $0["provider_id"] as? String }) }
            #expect(grouped == [["p1", "p2"]], "\(cdr)", sourceLocation: sourceLocation)

            let attempts = try run.node.attempts()
            #expect(attempts.count == 2, "\(attempts)", sourceLocation: sourceLocation)
            let winner = attempts.first { $0.string("provider_id") == "p1" }
            #expect(winner?.string("outcome") == "answered", "\(attempts)", sourceLocation: sourceLocation)

            // One negotiation per fork: the winner's round accepted, the loser's cancelled.
            let bids = try run.node.bidlogs()
            let outcomes = Dictionary(
                bids.map { ($0.string("provider_id") ?? "?", $0.string("outcome") ?? "?") }, uniquingKeysWith: { $0 + "," + $1 }
            )
            #expect(outcomes == ["p1": "accepted", "p2": "cancelled"], "\(bids)", sourceLocation: sourceLocation)
            #expect(Set(bids.compactMap { $0.string("negotiation_id") }).count == 2, "\(bids)", sourceLocation: sourceLocation)
            return attempts.first { $0.string("provider_id") == "p2" }
        }
    }
}
