import Foundation
import NNLang

/// Draws a `PlotSpec` as lines of text: a frame with tick labels on both axes, each
/// series in its own marker (`*`, `+`, `o`, `x`, …) joined by straight segments, and a
/// legend line. Pure ASCII by default; `braille` draws with Unicode braille dots
/// (U+2800–U+28FF), 2×4 dots per character.
///
/// ```text
///   1 +                  *****
///     |            ******
///   0 +************
///     +----+-----+-----+-----+
///     -6   -3    0     3     6
///     * sigmoid
/// ```
enum PlotRenderer {
    static let markers: [Character] = ["*", "+", "o", "x", "#", "@", "%", "=", "&", "$"]

    static func lines(_ spec: PlotSpec) -> [String] {
        let width = min(max(spec.width, 10), 1000)
        let height = min(max(spec.height, 3), 500)
        // Points in plot space (log10 of y for logy); non-finite values break a line.
        let series: [[(x: Double, y: Double)?]] = spec.series.map { series in
            zip(series.x, series.y).map { x, y in
                let plotY = spec.logy ? (y > 0 ? log10(y) : .nan) : y
                return x.isFinite && plotY.isFinite ? (x, plotY) : nil
            }
        }
        let points = series.flatMap { $0.compactMap { $0 } }
        var lines: [String] = []
        if let title = spec.title, !title.isEmpty { lines.append(title) }
        guard !points.isEmpty else {
            lines.append("(nothing to plot: no finite values\(spec.logy ? " above zero" : ""))")
            return lines
        }
        var xRange = (points.map(\.x).min()!, points.map(\.x).max()!)
        var yRange = (points.map(\.y).min()!, points.map(\.y).max()!)
        widenIfFlat(&xRange)
        widenIfFlat(&yRange)
        guard (xRange.1 - xRange.0).isFinite, (yRange.1 - yRange.0).isFinite else {
            lines.append("(nothing to plot: the values span more than a Double can hold)")
            return lines
        }

        let canvas = Canvas(width: width, height: height, braille: spec.braille)
        for (index, points) in series.enumerated() {
            let marker = markers[index % markers.count]
            var previous: (Double, Double)?
            for point in points {
                guard let point else {
                    previous = nil
                    continue
                }
                let position = (
                    (point.x - xRange.0) / (xRange.1 - xRange.0) * Double(canvas.dotColumns - 1),
                    (yRange.1 - point.y) / (yRange.1 - yRange.0) * Double(canvas.dotRows - 1)
                )
                canvas.segment(from: previous ?? position, to: position, marker: marker)
                previous = position
            }
        }

        let yTicks = spec.logy ? logTicks(yRange, count: max(2, height / 3)) : niceTicks(yRange, count: max(2, height / 3))
        var labelForRow: [Int: String] = [:]
        for tick in yTicks {
            let row = Int(((yRange.1 - tick) / (yRange.1 - yRange.0) * Double(height - 1)).rounded())
            if labelForRow[row] == nil, (0..<height).contains(row) {
                labelForRow[row] = formatTick(spec.logy ? pow(10, tick) : tick)
            }
        }
        // The ends of the axis are labelled too when no round tick sits next to them.
        for (row, value) in [(0, yRange.1), (height - 1, yRange.0)]
        where labelForRow[row] == nil && labelForRow[row - 1] == nil && labelForRow[row + 1] == nil {
            labelForRow[row] = formatTick(spec.logy ? pow(10, value) : value, digits: 3)
        }
        let labelWidth = labelForRow.values.map(\.count).max() ?? 0
        let plotStart = labelWidth + 2  // label, space, axis character
        let pad = String(repeating: " ", count: plotStart)

        if let ylabel = spec.ylabel, !ylabel.isEmpty { lines.append(ylabel) }
        for row in 0..<height {
            let label = labelForRow[row].map { String(repeating: " ", count: labelWidth - $0.count) + $0 }
            let axis = label == nil ? "|" : "+"
            lines.append(
                (label ?? String(repeating: " ", count: labelWidth)) + " " + axis + canvas.row(row))
        }

        // Round ticks first, then the ends of the axis where their labels fit.
        let xTicks = niceTicks(xRange, count: max(2, width / 10)).map { ($0, false) } + [(xRange.0, true), (xRange.1, true)]
        var axisLine = Array(repeating: Character("-"), count: width)
        var tickLabels = Array(repeating: Character(" "), count: plotStart + width + 12)
        var occupied: [Range<Int>] = []
        for (tick, isEnd) in xTicks {
            let column = Int(((tick - xRange.0) / (xRange.1 - xRange.0) * Double(width - 1)).rounded())
            guard (0..<width).contains(column) else { continue }
            let label = Array(formatTick(tick, digits: isEnd ? 3 : 4))
            let start = max(0, plotStart + column - label.count / 2)
            let span = (start - 1)..<(start + label.count + 1)
            if occupied.contains(where: { $0.overlaps(span) }) {
                if !isEnd { axisLine[column] = "+" }
                continue
            }
            axisLine[column] = "+"
            if start + label.count > tickLabels.count {
                tickLabels += Array(repeating: " ", count: start + label.count - tickLabels.count)
            }
            tickLabels.replaceSubrange(start..<(start + label.count), with: label)
            occupied.append(start..<(start + label.count))
        }
        lines.append(String(repeating: " ", count: labelWidth + 1) + "+" + String(axisLine))
        lines.append(String(tickLabels))
        if let xlabel = spec.xlabel, !xlabel.isEmpty {
            lines.append(pad + String(repeating: " ", count: max(0, (width - xlabel.count) / 2)) + xlabel)
        }
        let named = spec.series.count > 1 || spec.series.contains { !$0.name.isEmpty }
        if named {
            let entries = spec.series.enumerated().map { index, series in
                let name = series.name.isEmpty ? "series \(index + 1)" : series.name
                return spec.braille ? name : "\(markers[index % markers.count]) \(name)"
            }
            lines.append(pad + (spec.braille ? "⣿ " + entries.joined(separator: ", ") : entries.joined(separator: "   ")))
        }
        if let title = spec.title, !title.isEmpty {
            lines[0] = pad + String(repeating: " ", count: max(0, (width - title.count) / 2)) + title
        }
        return lines.map { $0.trimmingTrailingSpaces }
    }

    private static func widenIfFlat(_ range: inout (Double, Double)) {
        guard range.1 - range.0 <= abs(range.0) * 1e-12 || range.1 == range.0 else { return }
        let half = range.0 == 0 ? 1 : abs(range.0) * 0.5
        range = (range.0 - half, range.1 + half)
    }

    /// Round tick values (1, 2 or 5 × 10^k apart) inside `range`, about `count` of them.
    static func niceTicks(_ range: (Double, Double), count: Int) -> [Double] {
        let span = range.1 - range.0
        guard span > 0, span.isFinite else { return [range.0] }
        let rough = span / Double(count)
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let firstIndex = (range.0 / step - 1e-9).rounded(.up)
        let lastIndex = (range.1 / step + 1e-9).rounded(.down)
        // Far from zero relative to the step, the indices would not fit an Int.
        guard abs(firstIndex) < 1e15, abs(lastIndex) < 1e15, firstIndex <= lastIndex, lastIndex - firstIndex < 1000
        else { return [range.0, range.1] }
        let first = Int(firstIndex)
        let last = Int(lastIndex)
        return (first...last).map { Double($0) * step }
    }

    /// Ticks for a log10 axis: whole decades when the range spans one, else round values.
    static func logTicks(_ range: (Double, Double), count: Int) -> [Double] {
        let first = Int(range.0.rounded(.up))
        let last = Int(range.1.rounded(.down))
        if last > first {
            let stride = max(1, (last - first + count - 1) / count)
            return Swift.stride(from: first, through: last, by: stride).map(Double.init)
        }
        return niceTicks((pow(10, range.0), pow(10, range.1)), count: count)
            .filter { $0 > 0 }.map { log10($0) }
    }

    /// Short tick labels: "0", "0.5", "1000", "1e-05".
    static func formatTick(_ value: Double, digits: Int = 4) -> String {
        if value == 0 || abs(value) < 1e-12 { return "0" }
        // Whole numbers and values in the thousands read best without an exponent (2000, not 2e+03).
        if abs(value) < 1e6, value == value.rounded() || abs(value) >= 1000 {
            return String(Int(value.rounded()))
        }
        return String(format: "%.\(digits)g", value)
    }
}

/// The plot area: one marker per character, or braille dots (2 wide, 4 high per character).
private final class Canvas {
    let width: Int
    let height: Int
    let braille: Bool
    private var cells: [[Character]]
    private var dots: [[UInt8]]

    init(width: Int, height: Int, braille: Bool) {
        self.width = width
        self.height = height
        self.braille = braille
        cells = Array(repeating: Array(repeating: " ", count: width), count: height)
        dots = braille ? Array(repeating: Array(repeating: 0, count: width), count: height) : []
    }

    var dotColumns: Int { braille ? width * 2 : width }
    var dotRows: Int { braille ? height * 4 : height }

    /// Draws a straight segment between two points in dot coordinates.
    func segment(from start: (Double, Double), to end: (Double, Double), marker: Character) {
        let steps = Int(max(abs(end.0 - start.0), abs(end.1 - start.1)).rounded(.up))
        for step in 0...max(steps, 0) {
            let t = steps == 0 ? 1 : Double(step) / Double(steps)
            set(
                column: Int((start.0 + t * (end.0 - start.0)).rounded()),
                row: Int((start.1 + t * (end.1 - start.1)).rounded()), marker: marker)
        }
    }

    private func set(column: Int, row: Int, marker: Character) {
        guard column >= 0, column < dotColumns, row >= 0, row < dotRows else { return }
        if braille {
            // Braille dot bits: left column 1, 2, 3, 7; right column 4, 5, 6, 8.
            let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
            dots[row / 4][column / 2] |= bits[column % 2][row % 4]
        } else {
            cells[row][column] = marker
        }
    }

    func row(_ row: Int) -> String {
        guard braille else { return String(cells[row]) }
        return String(dots[row].map { $0 == 0 ? " " : Unicode.Scalar(0x2800 + UInt32($0)).map(Character.init) ?? " " })
    }
}
