import Foundation

/// The 1,797 8×8 handwritten digits shipped in `Resources/digits.csv.gz`
/// (UCI "Optical Recognition of Handwritten Digits", Alpaydin & Kaynak 1998, via scikit-learn, CC BY 4.0).
public enum DigitsResource {
    public static let rows = 1797, features = 64

    /// Pixels (row-major, 0…16) and labels, decoded from the compressed CSV.
    public static func load() throws -> (pixels: [Double], labels: [Int]) {
        guard let url = Bundle.module.url(forResource: "digits.csv", withExtension: "gz", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "digits.csv", withExtension: "gz") else {
            throw NNError("datasets.digits: the digits resource is missing from the NN bundle")
        }
        let text = String(decoding: try gunzip(Array(try Data(contentsOf: url))), as: UTF8.self)
        let csv = try NumericCSV(text: text, header: false, name: "digits.csv")
        guard csv.rows.count == rows, csv.rows.allSatisfy({ $0.count == features + 1 }) else {
            throw NNError("datasets.digits: the resource has an unexpected shape")
        }
        var pixels: [Double] = []
        pixels.reserveCapacity(rows * features)
        var labels: [Int] = []
        for row in csv.rows {
            pixels += row[0..<features]
            labels.append(Int(row[features]))
        }
        return (pixels, labels)
    }
}
