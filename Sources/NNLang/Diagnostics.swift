/// A position in the Markdown file: 1-based line and column (columns count Unicode
/// scalars). Lexer positions are mapped to file positions as soon as tokens are made,
/// so a function defined in one cell and failing in a later one still points at its
/// own line.
public struct SourceLocation: Equatable, Sendable {
    public var line: Int32
    public var column: Int32
    public init(line: Int, column: Int) {
        self.line = Int32(truncatingIfNeeded: line)
        self.column = Int32(truncatingIfNeeded: column)
    }
    static let unknown = SourceLocation(line: 0, column: 0)
}

/// An error raised while lexing, parsing or running nn code. `location` is filled in
/// by the innermost expression that knows where it is, when the thrower did not.
public struct LangError: Error, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation?
    /// The call sites the error travelled through, innermost first (Python's traceback,
    /// read from the bottom up).
    public var callers: [SourceLocation] = []
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }
    public var description: String { message }

    func located(_ loc: SourceLocation) -> LangError {
        var copy = self
        if copy.location == nil { copy.location = loc }
        return copy
    }

    /// The error leaving a call: one the callee located itself gets the call site (the start
    /// of the callee expression) as a caller; one it did not (a builtin's, a bad argument
    /// list) is located at `call` (the call's parenthesis), as before.
    func calledFrom(_ site: SourceLocation, call: SourceLocation) -> LangError {
        var copy = self
        if copy.location == nil { copy.location = call } else { copy.callers.append(site) }
        return copy
    }
}

/// Thrown when a cell exceeds its time budget, or the process its memory limit; never
/// caught by user-level code (a program catching it in a loop would keep going).
struct TimeoutSignal: Error {
    /// nil for the time limit; otherwise the message of the limit that stopped the cell.
    var message: String? = nil
}

/// Edit distance for "did you mean" suggestions (Levenshtein, on Unicode scalars).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo
/// (the same rule of thumb as CPython 3.12: at most a third of the name's length).
func closestName(to name: String, among candidates: [String]) -> String? {
    var best: (name: String, distance: Int)?
    let limit = max(1, (name.count + 2) / 3)
    for candidate in candidates where candidate != name {
        if abs(candidate.count - name.count) > limit { continue }
        let d = editDistance(name.lowercased(), candidate.lowercased())
        let distance = name.lowercased() == candidate.lowercased() ? 0 : max(d, 1)
        if distance <= limit, distance < name.count, best == nil || distance < best!.distance
            || (distance == best!.distance && candidate < best!.name) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// Appends CPython's suggestion suffix (`. Did you mean: 'print'?`) when one applies.
func withSuggestion(_ message: String, name: String, candidates: [String]) -> String {
    guard let guess = closestName(to: name, among: candidates) else { return message }
    return message + ". Did you mean: '\(guess)'?"
}
