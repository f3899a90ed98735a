internal import NIOCore
internal import NIOSSH
import Synchronization

/// Offers the one configured credential; when the server asks again, that credential was refused.
///
/// Offering once (rather than retrying) keeps a wrong password from counting against the account more than once
/// per connection and makes the failure immediate.
final class SingleCredentialDelegate: NIOSSHClientUserAuthenticationDelegate, Sendable {
    enum Credential: Sendable {
        case privateKey(NIOSSHPrivateKey)
        case password(String)
    }

    private let user: String
    private let credential: Credential
    private let offered = Mutex(false)

    init(user: String, credential: Credential) {
        self.user = user
        self.credential = credential
    }

    func nextAuthenticationType(
        availableMethods: NIOSSHAvailableUserAuthenticationMethods,
        nextChallengePromise: EventLoopPromise<NIOSSHUserAuthenticationOffer?>
    ) {
        let alreadyOffered = offered.withLock { offered in
            defer { offered = true }
            return offered
        }
        guard !alreadyOffered else {
            nextChallengePromise.fail(SFTPError(.authenticationFailed, "the server refused the \(methodName) of user \(user)"))
            return
        }
        let offer: NIOSSHUserAuthenticationOffer.Offer
        switch credential {
        case .privateKey(let key):
            guard availableMethods.contains(.publicKey) else { return refuse(nextChallengePromise) }
            offer = .privateKey(.init(privateKey: key))
        case .password(let password):
            guard availableMethods.contains(.password) else { return refuse(nextChallengePromise) }
            offer = .password(.init(password: password))
        }
        nextChallengePromise.succeed(NIOSSHUserAuthenticationOffer(username: user, serviceName: "", offer: offer))
    }

    private var methodName: String {
        switch credential {
        case .privateKey: "public key"
        case .password: "password"
        }
    }

    private func refuse(_ promise: EventLoopPromise<NIOSSHUserAuthenticationOffer?>) {
        promise.fail(SFTPError(.authenticationFailed, "the server does not accept \(methodName) authentication for user \(user)"))
    }
}

/// Accepts the server's host key only when the known-hosts file lists it for this host and port.
final class KnownHostsDelegate: NIOSSHClientServerAuthenticationDelegate, Sendable {
    private let knownHosts: KnownHosts
    private let host: String
    private let port: Int

    init(knownHosts: KnownHosts, host: String, port: Int) {
        self.knownHosts = knownHosts
        self.host = host
        self.port = port
    }

    func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
        do throws(SFTPError) {
            try knownHosts.verify(host: host, port: port, key: hostKey)
            validationCompletePromise.succeed()
        } catch {
            validationCompletePromise.fail(error)
        }
    }
}
