// Values echoed into one-line error messages: quoted, control characters escaped,
// and cut short so a pasted blob cannot flood the log.
func quoted(_ text: String, limit: Int = 64) -> String {
    var out = ""
    for scalar in text.unicodeScalars.prefix(limit) {
        out += scalar.escaped(asASCII: false)
    }
    if text.unicodeScalars.count > limit {
        out += "…"
    }
    return "\"" + out + "\""
}
