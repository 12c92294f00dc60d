/// A unified diff (`diff -u` style, 3 lines of context) between two lists of lines.
///
/// ```swift
/// UnifiedDiff.make(old: ["a", "b"], new: ["a", "c"], oldName: "x.out.md", newName: "x.out.md (rendered)")
/// // --- x.out.md … @@ -1,2 +1,2 @@ …  a / -b / +c
/// ```
public enum UnifiedDiff {
    /// Every edit carries its position in both files (old index, new index).
    private enum Edit { case same(Int, Int), delete(Int, Int), insert(Int, Int) }

    public static func make(old: [String], new: [String], oldName: String, newName: String) -> String {
        let edits = diff(old, new)
        guard edits.contains(where: { if case .same = $0 { return false } else { return true } }) else { return "" }
        var output = "--- \(oldName)\n+++ \(newName)\n"
        let context = 3
        var index = 0
        while index < edits.count {
            guard case .same = edits[index] else {
                // A hunk: from `context` lines before this change to `context` after the last nearby change.
                let start = max(0, index - context)
                var end = index
                var sameRun = 0
                var scan = index
                while scan < edits.count {
                    if case .same = edits[scan] {
                        sameRun += 1
                        if sameRun > 2 * context { break }
                    } else {
                        sameRun = 0
                        end = scan
                    }
                    scan += 1
                }
                let stop = min(edits.count, end + context + 1)
                output += hunk(edits[start..<stop], old: old, new: new)
                index = stop
                continue
            }
            index += 1
        }
        return output
    }

    private static func hunk(_ edits: ArraySlice<Edit>, old: [String], new: [String]) -> String {
        var oldCount = 0
        var newCount = 0
        var body = ""
        for edit in edits {
            switch edit {
            case .same(let o, _):
                oldCount += 1
                newCount += 1
                body += " \(old[o])\n"
            case .delete(let o, _):
                oldCount += 1
                body += "-\(old[o])\n"
            case .insert(_, let n):
                newCount += 1
                body += "+\(new[n])\n"
            }
        }
        let (oldStart, newStart): (Int, Int)
        switch edits.first {
        case .same(let o, let n), .delete(let o, let n), .insert(let o, let n): (oldStart, newStart) = (o, n)
        case nil: (oldStart, newStart) = (0, 0)
        }
        // diff -u numbers an empty side by the line before it.
        let oldLine = oldCount == 0 ? oldStart : oldStart + 1
        let newLine = newCount == 0 ? newStart : newStart + 1
        return "@@ -\(oldLine),\(oldCount) +\(newLine),\(newCount) @@\n" + body
    }

    /// Common prefix and suffix first, then a longest-common-subsequence table over the
    /// changed middle (which is small in practice; a huge one is shown as replaced).
    private static func diff(_ old: [String], _ new: [String]) -> [Edit] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        let oldMiddle = Array(prefix..<(old.count - suffix))
        let newMiddle = Array(prefix..<(new.count - suffix))
        var edits = (0..<prefix).map { Edit.same($0, $0) }
        if oldMiddle.count * newMiddle.count > 4_000_000 {
            edits += oldMiddle.map { .delete($0, prefix) } + newMiddle.map { .insert(old.count - suffix, $0) }
        } else {
            let rows = oldMiddle.count
            let columns = newMiddle.count
            // lcs[i][j]: LCS length of oldMiddle[i...] and newMiddle[j...].
            var lcs = Array(repeating: Array(repeating: 0, count: columns + 1), count: rows + 1)
            for i in stride(from: rows - 1, through: 0, by: -1) {
                for j in stride(from: columns - 1, through: 0, by: -1) {
                    lcs[i][j] =
                        old[oldMiddle[i]] == new[newMiddle[j]]
                        ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < rows || j < columns {
                if i < rows, j < columns, old[oldMiddle[i]] == new[newMiddle[j]] {
                    edits.append(.same(oldMiddle[i], newMiddle[j]))
                    i += 1
                    j += 1
                } else if i < rows, j == columns || lcs[i + 1][j] >= lcs[i][j + 1] {
                    // Deletions before insertions, as diff -u prints them.
                    edits.append(.delete(oldMiddle[i], j < columns ? newMiddle[j] : new.count - suffix))
                    i += 1
                } else {
                    edits.append(.insert(i < rows ? oldMiddle[i] : old.count - suffix, newMiddle[j]))
                    j += 1
                }
            }
        }
        edits += (0..<suffix).map { .same(old.count - suffix + $0, new.count - suffix + $0) }
        return edits
    }
}
