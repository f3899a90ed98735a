import Node

extension ConfigurationLoader {
    /// The configuration a command runs with: `path` loaded strictly, `--data-dir` (when given) in place of
    /// `node.data_dir`; a bad file ends the command with its one-line error.
    static func loadForCommand(path: String, dataDirectory: String?) throws -> NodeConfiguration {
        var configuration: NodeConfiguration
        do {
            configuration = try load(path: path)
        } catch {
            throw CommandLineFailure.exit(error.description)
        }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        return configuration
    }
}
