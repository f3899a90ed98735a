public import NIOCore

extension NATSClient {
    /// Sends a request and waits for the first reply on the client's single inbox subscription.
    ///
    /// Throws `.noResponders` when nobody listens on `subject` (status 503), `.timeout` without a reply.
    /// Waits for a slot when `maxInFlightRequests` requests are already pending.
    public func request(
        _ subject: String, payload: ByteBuffer = ByteBuffer(), headers: NATSHeaders? = nil, timeout: Duration? = nil
    ) async throws -> NATSMessage {
        let timeout = timeout ?? self.options.requestTimeout
        try await self.acquireRequestSlot()
        defer { self.releaseRequestSlot() }
        let (token, replyTo) = self.locked { core in
            let token = core.inbox.makeToken()
            return (token, core.inbox.replySubject(for: token))
        }
        let encoded = try Self.encodePublish(subject, payload: payload, headers: headers, replyTo: replyTo)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<NATSMessage, any Error>) in
                self.locked { core in
                    core.inbox.add(continuation, for: token)
                    core.sendRequest(encoded, token: token)
                }
                self.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [weak self] in
                    self?.endRoute(token, NATSError(.timeout, reason: "no reply on \(subject) within \(timeout)"))
                }
            }
        } onCancel: {
            self.endRoute(token, NATSError(.cancelled, reason: "the request task was cancelled"))
        }
    }

    /// A reply subject for multi-reply exchanges (pull fetches). It lies outside the inbox wildcard
    /// `_INBOX.<prefix>.*`, because JetStream delivers pulled messages under their original subject,
    /// so they can only be told apart by the sid of a subscription of their own.
    func makeUniqueReplySubject() -> String {
        self.locked { core in core.inbox.prefix + "_" + core.inbox.makeToken() }
    }

    /// Ends a pending request, failing it with `error`; nothing if it was answered already.
    func endRoute(_ token: String, _ error: NATSError) {
        self.locked { core in
            if let continuation = core.inbox.remove(token) {
                core.pendingEffects.append(.resumeReply(continuation, .failure(error)))
            }
        }
    }

    // MARK: - Flow control

    /// Takes one of `maxInFlightRequests` slots, waiting in FIFO order when none is free.
    func acquireRequestSlot() async throws {
        let id = self.locked { core -> UInt64 in
            defer { core.nextWaiterID += 1 }
            return core.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                self.locked { core in
                    switch core.permits.acquire(id: id, continuation) {
                    case .granted:
                        core.pendingEffects.append(.resume(continuation, .success(())))
                    case .queued:
                        break
                    case .closed:
                        core.pendingEffects.append(
                            .resume(continuation, .failure(NATSError(.connectionClosed, reason: "the connection is closed"))))
                    }
                }
            }
        } onCancel: {
            self.locked { core in
                if let waiter = core.permits.cancel(id: id) {
                    core.pendingEffects.append(
                        .resume(waiter, .failure(NATSError(.cancelled, reason: "cancelled while waiting for a request slot"))))
                }
            }
        }
    }

    func releaseRequestSlot() {
        self.locked { core in
            if let waiter = core.permits.release() { core.pendingEffects.append(.resume(waiter, .success(()))) }
        }
    }
}

extension NATSClient.Core {
    /// Subscribes `_INBOX.<prefix>.*` once; the machine re-sends it after every reconnect.
    mutating func ensureInboxSubscribed() {
        guard self.inbox.sid == nil else { return }
        let sid = self.nextSID
        self.nextSID += 1
        switch self.machine.subscribe(sid: sid, subject: self.inbox.wildcardSubject, queue: nil) {
        case .send(let id, let commands):
            self.inbox.sid = sid
            self.write(id, commands)
        case .nothing:
            self.inbox.sid = sid
        case .fail:
            // Closed: the publish below fails the request.
            break
        }
    }

    /// Publishes a request whose route is registered under `token`; fails the route if refused.
    mutating func sendRequest(_ encoded: ByteBuffer, token: String) {
        self.ensureInboxSubscribed()
        switch self.machine.publish(encoded) {
        case .write(let id):
            self.write(id, encoded: encoded)
        case .buffered:
            break
        case .fail(let error):
            if let continuation = self.inbox.remove(token) {
                self.pendingEffects.append(.resumeReply(continuation, .failure(error)))
            }
        }
    }
}
