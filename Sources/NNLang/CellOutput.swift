/// What a cell produces, in the order it produced it. The notebook layer renders
/// these into Markdown; the language layer never formats Markdown itself.
public enum CellOutput: Equatable, Sendable {
    /// Text from `print` (and the display of a cell's last expression). Consecutive
    /// text outputs are merged into one ```text block by the renderer.
    case text(String)
    /// One `log(**columns)` row. All rows of a cell form one GFM table, placed where
    /// the first row was logged. Values are already formatted as strings.
    case logRow([LogColumn])
    /// An ASCII (or braille) line plot.
    case plot(PlotSpec)
    /// A ready-made table (trace tables, `summary`, `gradcheck`).
    case table(OutputTable)
    /// A Mermaid diagram (`graph(t)`), rendered in a ```mermaid block.
    case mermaid(String)
}

/// One column value of a `log` row.
public struct LogColumn: Equatable, Sendable {
    public var name: String
    /// The value as it should appear in the table.
    public var text: String
    /// Numbers are right-aligned; strings left-aligned.
    public var isNumber: Bool
    public init(name: String, text: String, isNumber: Bool) {
        self.name = name
        self.text = text
        self.isNumber = isNumber
    }
}

/// A Markdown table with a caption line above it (optional).
public struct OutputTable: Equatable, Sendable {
    public var title: String?
    public var header: [String]
    public var rightAligned: [Bool]
    public var rows: [[String]]
    public init(title: String? = nil, header: [String], rightAligned: [Bool], rows: [[String]]) {
        self.title = title
        self.header = header
        self.rightAligned = rightAligned
        self.rows = rows
    }
}

/// Everything needed to draw a line plot; the notebook layer draws it.
public struct PlotSpec: Equatable, Sendable {
    public struct Series: Equatable, Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public init(name: String, x: [Double], y: [Double]) {
            self.name = name
            self.x = x
            self.y = y
        }
    }
    public var series: [Series]
    public var title: String?
    public var xlabel: String?
    public var ylabel: String?
    public var width: Int
    public var height: Int
    public var logy: Bool
    public var braille: Bool
    public init(
        series: [Series], title: String? = nil, xlabel: String? = nil, ylabel: String? = nil,
        width: Int = 60, height: Int = 15, logy: Bool = false, braille: Bool = false
    ) {
        self.series = series
        self.title = title
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.width = width
        self.height = height
        self.logy = logy
        self.braille = braille
    }
}
