import ArgumentParser

/// `sipswarm`: a SIP node that turns every call into a rated, tamper-evident CDR.
@main
struct SIPswarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sipswarm",
        abstract: "A SIP B2BUA node for wholesale voice interconnect that records every call.",
        subcommands: [ServeCommand.self, DemoCommand.self, VerifyCommand.self, ProofCommand.self, KeyCommand.self, AdminCommand.self, StreamCommand.self, RatesCommand.self, AuditCommand.self]
    )
}
