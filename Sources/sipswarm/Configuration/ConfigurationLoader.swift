import Node
import TOMLKit

// Turns a TOML file into a validated `NodeConfiguration`. One decoding function per
// section (ConfigurationLoader+<Section>.swift); a new section is one new file plus one
// line in `decode`. Overrides such as `--data-dir` are the caller's business.
enum ConfigurationLoader {
    // A configuration is hand-written; anything bigger is a mistake, not a config.
    static let maxFileBytes = 1 << 20

    // Top-level sections; a new section adds its name here and its decoder beside the others.
    static let rootKeys = ["node", "sip", "ledger", "records", "restriction", "customers", "providers", "rating", "streams", "nats", "export", "exporters", "audit", "peers", "metrics"]

    static func load(path: String) throws(ConfigurationError) -> NodeConfiguration {
        let text = try ConfigurationFileReader.contents(ofPath: path, maxBytes: Self.maxFileBytes)
        return try Self.load(tomlString: text, fileName: path)
    }

    static func load(tomlString: String, fileName: String) throws(ConfigurationError) -> NodeConfiguration {
        let configuration = try Self.decode(tomlString: tomlString, context: TOMLDecodingContext(fileName: fileName))
        // Decks are files of their own; checked here, not in `decode`, so `knownKeyPaths` reads no deck.
        try Self.validateRateDecks(configuration, fileName: fileName)
        return configuration
    }

    // Every key path the decoders know, indices written `[]` (e.g. `providers[].address`).
    static func knownKeyPaths(tomlString: String) throws(ConfigurationError) -> [String] {
        let context = TOMLDecodingContext(fileName: "<keys>")
        _ = try Self.decode(tomlString: tomlString, context: context)
        return context.requestedKeyPaths
    }

    private static func decode(tomlString: String, context: TOMLDecodingContext) throws(ConfigurationError) -> NodeConfiguration {
        let table = try Self.parse(tomlString, fileName: context.fileName)
        var root = try TOMLTableReader(
            table: table,
            path: "",
            genericPath: "",
            context: context,
            allowedKeys: Self.rootKeys
        )

        guard var nodeReader = try root.table("node", allowedKeys: Self.nodeKeys) else {
            throw root.missing("node", expected: "table [node]")
        }
        var sipReader = try root.table("sip", allowedKeys: Self.sipKeys)
        var ledgerReader = try root.table("ledger", allowedKeys: Self.ledgerKeys)
        var recordsReader = try root.table("records", allowedKeys: Self.recordsKeys)
        var restrictionReader = try root.table("restriction", allowedKeys: Self.restrictionKeys)
        var ratingReader = try root.table("rating", allowedKeys: Self.ratingKeys)
        let customerReaders = try root.tableArray("customers", allowedKeys: Self.customerKeys)
        let providerReaders = try root.tableArray("providers", allowedKeys: Self.providerKeys)
        var streamsReader = try root.table("streams", allowedKeys: StreamSettings.kinds)
        var natsReader = try root.table("nats", allowedKeys: Self.natsKeys)
        var exportReader = try root.table("export", allowedKeys: Self.exportKeys)
        let exporterReaders = try root.tableArray("exporters", allowedKeys: Self.exporterKeys)
        var auditReader = try root.table("audit", allowedKeys: Self.auditKeys)
        let peerReaders = try root.tableArray("peers", allowedKeys: Self.peerKeys)
        var metricsReader = try root.table("metrics", allowedKeys: Self.metricsKeys)
        try root.finish()

        let node = try Self.decodeNode(&nodeReader)
        let sip = try Self.decodeSIP(&sipReader)
        let ledger = try Self.decodeLedger(&ledgerReader)
        let records = try Self.decodeRecords(&recordsReader)
        let restriction = try Self.decodeRestriction(&restrictionReader)
        let rating = try Self.decodeRating(&ratingReader)
        let customers = try Self.decodeCustomers(customerReaders, root: root)
        let providers = try Self.decodeProviders(providerReaders, root: root)
        let streams = try Self.decodeStreams(&streamsReader, nats: &natsReader)
        let export = try Self.decodeExport(&exportReader, exporters: exporterReaders)
        let audit = try Self.decodeAudit(&auditReader, peers: peerReaders, nodeID: node.id, nodeListen: node.listen)
        let metrics = try Self.decodeMetrics(&metricsReader, sipListen: node.listen + (audit?.listen ?? []))

        return NodeConfiguration(
            nodeID: node.id,
            listen: node.listen,
            dataDirectory: node.dataDirectory,
            maxSessionDuration: node.maxSessionDuration,
            drainTimeout: node.drainTimeout,
            customers: customers,
            providers: providers,
            sip: sip,
            ledger: ledger,
            records: records,
            restriction: restriction,
            streams: streams,
            rating: rating,
            export: export,
            audit: audit,
            metrics: metrics
        )
    }

    private static func parse(_ text: String, fileName: String) throws(ConfigurationError) -> TOMLTable {
        // TOMLKit hands the text to C as a C string: a NUL would silently end the document.
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].filter { $0 == UInt8(ascii: "\n") }.count + 1
            throw ConfigurationError(
                .syntax,
                configurationFile: fileName,
                location: "line \(line)",
                reason: "NUL character in file"
            )
        }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                .syntax,
                configurationFile: fileName,
                location: "line \(error.source.begin.line), column \(error.source.begin.column)",
                reason: "TOML syntax error: \(error.description)"
            )
        } catch {
            throw ConfigurationError(
                .syntax,
                configurationFile: fileName,
                location: "",
                reason: "TOML syntax error: \(error)"
            )
        }
    }
}
