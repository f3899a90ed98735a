/// A failure of the test harness itself (a process that would not start, a timeout),
/// carrying whatever output explains it.
struct HarnessError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
